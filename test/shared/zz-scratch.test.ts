import fc from 'fast-check';
import { it } from 'vitest';
import { DEFAULT_WEIGHTS, TrueHistory, InMemoryEdge, canonicalStates, permute, describeEvents } from '../support/shared-fixtures';
import type { TokenSeed } from '../support/shared-fixtures';

const seedsArb = fc.array(fc.record({ routing: fc.constantFrom('BAG-TOTE' as const, 'WALLET-LINEAR' as const), processMode: fc.constantFrom('piece' as const, 'batch' as const) }), { minLength: 1, maxLength: 3 })
  .map((specs) => specs.map(({ routing, processMode }, i): TokenSeed => ({ code: `${routing === 'BAG-TOTE' ? 'BT' : 'WL'}-${i + 1}`, routing, processMode, qty: processMode === 'batch' ? 10 : 1 })));
const stepArb2 = fc.record({ member: fc.nat(), action: fc.nat(), detail: fc.nat() });
const scen = (w = DEFAULT_WEIGHTS) => fc.tuple(seedsArb, fc.array(stepArb2, { maxLength: 80, size: 'max' })).map(([seeds, steps]) => {
  const h = new TrueHistory(seeds);
  for (const c of steps) if (!h.step(c, w)) break;
  const s = { seeds, log: h.log, truth: h.finalFamilies() };
  return Object.assign(s, { [fc.toStringMethod]: () => fc.stringify({ tokens: seeds.map((t) => `${t.code} ${t.routing} ${t.processMode} qty ${t.qty}`), log: describeEvents(s.log) }) });
});
for (const seed of [42, 1, 7]) it('random perm ' + seed, () => {
  try {
    fc.assert(fc.property(scen({ ...DEFAULT_WEIGHTS, scrap: 0 }), fc.array(fc.nat(), { maxLength: 200, size: 'max' }), (s, picks) => {
      const arrival = permute(s.log, picks);
      const edge = new InMemoryEdge(s.seeds); edge.deliverAll(arrival);
      const ok = JSON.stringify(canonicalStates(edge.families())) === JSON.stringify(canonicalStates(s.truth));
      if (!ok) (globalThis as any).last = { arrival: describeEvents(arrival), got: canonicalStates(edge.families()), want: canonicalStates(s.truth), parked: edge.parked(), conflicts: edge.conflicts.map((c) => c.event.id) };
      return ok;
    }), { numRuns: 2000, seed });
  } catch (e) { console.log(String(e).slice(0, 3000)); console.log(JSON.stringify((globalThis as any).last, null, 1)); }
});
