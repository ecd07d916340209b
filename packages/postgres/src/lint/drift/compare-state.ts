import type { StateItem, StateKind } from './read-state.js';
import { compareItems } from './read-state.js';

/** One difference between two states of the objects tenancy manages. */
export interface StateChange {
  /** `add`: only in the target state; `remove`: only in the current one; `change`: in both, different. */
  action: 'add' | 'change' | 'remove';
  kind: StateKind;
  object: string;
  /** The current value (absent for `add`). */
  before?: string | undefined;
  /** The target value (absent for `remove`). */
  after?: string | undefined;
}

/** The changes that turn `current` into `target`, ordered by kind then object. */
export function compareStates(current: readonly StateItem[], target: readonly StateItem[]): StateChange[] {
  const key = (i: StateItem) => `${i.kind}\u0000${i.object}`;
  const from = new Map(current.map((i) => [key(i), i]));
  const to = new Map(target.map((i) => [key(i), i]));
  const changes: StateChange[] = [];
  for (const [k, t] of to) {
    const c = from.get(k);
    if (!c) changes.push({ action: 'add', kind: t.kind, object: t.object, after: t.value });
    else if (c.value !== t.value) {
      changes.push({ action: 'change', kind: t.kind, object: t.object, before: c.value, after: t.value });
    }
  }
  for (const [k, c] of from) {
    if (!to.has(k)) changes.push({ action: 'remove', kind: c.kind, object: c.object, before: c.value });
  }
  return changes.sort(compareItems);
}
