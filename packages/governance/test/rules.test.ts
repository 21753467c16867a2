import { describe, expect, it } from 'vitest';
import { BUDGET_TYPES, SETTLED_KEYS } from '../src/index.js';
import { newLedger, noteSettled } from '../src/ledger.js';
import { encodeLedger } from '../src/rules.js';

const alerts = { tokens: [0.5], cost: [], time: [], iterations: [] };

describe('encodeLedger', () => {
  it('writes what JSON.stringify writes, as keys are noted, forgotten and the ledger changes between', () => {
    const ledger = newLedger({ tokens: 100, cost: null, time: null, iterations: 5 }, alerts, null, 0);
    expect(encodeLedger(ledger)).toBe(JSON.stringify(ledger));
    for (let i = 0; i < SETTLED_KEYS + 3; i++) {
      noteSettled(ledger, BUDGET_TYPES[i % 4]!, `run:${i}:0 "quoted" \\ ${'é'.repeat(i % 3)}`);
      expect(encodeLedger(ledger)).toBe(JSON.stringify(ledger));
      ledger.scopes.root!.used.tokens = i;
      expect(encodeLedger(ledger)).toBe(JSON.stringify(ledger));
    }
    expect(ledger.settledKeys).toHaveLength(SETTLED_KEYS);
    expect(ledger.settledKeys[0]!.key).toBe('run:3:0 "quoted" \\ ');
  });

  it('writes a ledger whose keys are not its last field (read from an older writer) as JSON.stringify does', () => {
    const { settledKeys: _, ...fields } = newLedger(
      { tokens: null, cost: null, time: null, iterations: null },
      alerts,
      null,
      0,
    );
    const ledger = { settledKeys: [{ type: 'cost' as const, key: 'k' }], ...fields };
    expect(encodeLedger(ledger)).toBe(JSON.stringify(ledger));
    expect(JSON.parse(encodeLedger(ledger))).toEqual(ledger);
  });
});
