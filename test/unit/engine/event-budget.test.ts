import { describe, expect, it } from 'vitest';
import { createEventBudget } from '../../../src-main/engine/index.js';
import { createManualClock } from './manual-clock.js';

describe('event budget', () => {
  it('gives a slot at once while the span has room for the event and the reserve', () => {
    const clock = createManualClock();
    const budget = createEventBudget({ clock, maxEvents: 4, windowMs: 1000 });
    expect(budget.nextSlot(2)).toBe(clock.now());
    budget.record();
    expect(budget.nextSlot(2)).toBe(clock.now());
    budget.record();
    // Two in the span, two kept for what may follow: the next must wait until the first has left.
    expect(budget.nextSlot(2)).toBe(clock.now() + 1000);
    expect(budget.nextSlot(0)).toBe(clock.now());
  });

  it('waits until enough events have left the span, counting from the right one', () => {
    const clock = createManualClock();
    const start = clock.now();
    const budget = createEventBudget({ clock, maxEvents: 5, windowMs: 1000 });
    for (const at of [0, 100, 200, 300]) {
      clock.advance(at - (clock.now() - start));
      budget.record();
    }
    clock.advance(50);
    // Four in the span: with two kept for later, the two oldest must leave first; with one, the oldest.
    expect(budget.nextSlot(2)).toBe(start + 100 + 1000);
    expect(budget.nextSlot(1)).toBe(start + 1000);
    expect(budget.nextSlot(0)).toBe(clock.now());
    clock.advance(start + 1000 - clock.now());
    expect(budget.nextSlot(1)).toBe(clock.now());
    expect(budget.nextSlot(2)).toBe(start + 1100);
  });
});
