import { describe, expect, it } from 'vitest';
import { isPlainTarget } from './request-target.js';

// A small deterministic generator (mulberry32), so a failure names a host that fails again on the next run.
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('isPlainTarget', () => {
  it.each([
    ['http', 'acme.example.test'],
    ['https', 'ACME.localhost:8080'],
    ['http', 'localhost'],
    ['http', 'a-b--c.example.com:65535'],
    ['http', '123.example.com'],
  ])('lets %s://%s skip the URL parser', (protocol, host) => {
    expect(isPlainTarget(protocol, host)).toBe(true);
    expect(URL.canParse(`${protocol}://${host}/x`)).toBe(true);
  });

  it.each([
    ['http', 'a.123'],
    ['http', '1.2.3.4'],
    ['http', 'a.0x1f'],
    ['http', 'xn--bcher-kva.ch'],
    ['http', 'acme.XN--a.test'],
    ['http', '[::1]'],
    ['http', 'a_b.example.com'],
    ['http', 'a..b'],
    ['http', 'acme.example.com.'],
    ['http', 'acme.example.com:65536'],
    ['ftp', 'acme.example.com'],
    ['HTTP', 'acme.example.com'],
  ])('sends %s://%s through the URL parser', (protocol, host) => {
    expect(isPlainTarget(protocol, host)).toBe(false);
  });

  it('never lets a host skip the parser that the parser refuses', () => {
    const next = random(20261127);
    const alphabet = 'abxnX019-.:';
    let plain = 0;
    for (let n = 0; n < 50_000; n++) {
      let host = '';
      const length = 1 + Math.floor(next() * 14);
      for (let i = 0; i < length; i++) host += alphabet[Math.floor(next() * alphabet.length)];
      if (!isPlainTarget('http', host)) continue;
      plain++;
      expect([host, URL.canParse(`http://${host}/x`)]).toEqual([host, true]);
    }
    // The generator has to reach the fast path often enough for the check to mean something.
    expect(plain).toBeGreaterThan(2_000);
  });
});
