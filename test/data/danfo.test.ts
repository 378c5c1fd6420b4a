import { describe, expect, it } from 'vitest';
import { generateCohort } from '../../src/data/datasets/cohort.js';
import { loadDanfo, tableFromDataFrame, tableToDataFrame } from '../../src/data/danfo.js';

describe('danfojs-node adapters', () => {
  it('round-trips a table through a DataFrame, with and without a schema', async () => {
    const table = generateCohort({ n: 150, seed: 3 }).table;
    const df = await tableToDataFrame(table);
    expect(df.shape).toEqual([150, table.nCols]);
    expect(df.columns).toEqual(table.names);

    const back = tableFromDataFrame(df, table.schema);
    back.arrays().forEach((a, j) => expect([...a]).toEqual([...table.arrays()[j]]));

    // Without a schema, values go through text and the schema is inferred.
    const inferred = tableFromDataFrame(df);
    expect(inferred.column('enrollment_date').spec.kind).toBe('datetime');
    expect(inferred.column('event_within_2y').spec.kind).toBe('boolean');
    expect([...inferred.numeric('crp')]).toEqual([...table.numeric('crp')]);
    expect([...inferred.numeric('enrollment_date')]).toEqual([...table.numeric('enrollment_date')]);

    const { DataFrame } = await loadDanfo();
    const bad = new DataFrame({ site: ['S01', 'S99'] });
    expect(() => tableFromDataFrame(bad, table.select(['site']).schema)).toThrow(/DataFrame row 1: column "site" has value "S99"/);
  });
});
