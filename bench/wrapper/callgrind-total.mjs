// Per-call instructions of a callgrind profile (callgrind.sh): the total, the part spent in garbage collection
// (calls into Heap::CollectGarbage, which vary from run to run by several thousand per call) and the rest.
// Usage: node bench/wrapper/callgrind-total.mjs <profile> <calls>
import { readFileSync } from 'node:fs';

const [file, callsText] = process.argv.slice(2);
const calls = Number(callsText);
const names = new Map();
// Callgrind compresses names: "(id) name" the first time, "(id)" after.
const nameOf = (rest) => {
  const m = /^\((\d+)\)(?: (.*))?$/.exec(rest);
  if (m === null) return rest;
  if (m[2] !== undefined) names.set(m[1], m[2]);
  return names.get(m[1]) ?? m[1];
};
let caller = '';
let callee = '';
let inclusiveNext = false;
let gc = 0;
let total = 0;
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (line.startsWith('fn=')) caller = nameOf(line.slice(3));
  else if (line.startsWith('cfn=')) callee = nameOf(line.slice(4));
  else if (line.startsWith('calls=')) inclusiveNext = true;
  else if (inclusiveNext) {
    inclusiveNext = false;
    if (callee.includes('Heap::CollectGarbage(') && !caller.includes('Heap::CollectGarbage(')) {
      gc += Number(line.split(' ')[1]);
    }
  } else if (line.startsWith('totals:')) total = Number(line.split(' ')[1]);
}
const per = (n) => Math.round(n / calls);
console.log(`${per(total)} instructions per call: ${per(total - gc)} without GC, ${per(gc)} in GC`);
