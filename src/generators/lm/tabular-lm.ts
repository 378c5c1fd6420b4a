/**
 * `tabular-lm`: a small decoder-only transformer trained from scratch on rows serialised as
 * token sequences (REaLTabFormer-style tokens, Solatorio & Dupriez 2023; GReaT-style column
 * permutation, Borisov et al. 2023), sampled with grammar-constrained decoding so every row
 * parses, and guarded against memorisation by REaLTabFormer's distance-to-closest-record
 * early stopping. Pieces: tokenizer.ts, grammar.ts, sampler.ts, guard.ts, fit.ts (training loop
 * and measures), transformer.ts (the network).
 */
import type { Table } from '../../core/table.js';
import type { FitContext, Generator } from '../types.js';
import { type TabularLmModel, type TabularLmParams, fitTabularLm, tabularLmParams } from './fit.js';
import { createLanguageModel } from './transformer.js';

export { type TabularLmModel, type TabularLmParams, tabularLmParams } from './fit.js';

export const tabularLm = {
  id: 'tabular-lm',
  family: 'llm',
  summary: 'Small transformer trained in-process on rows as token sequences (per-column value and digit tokens, random column order), constrained decoding, overfitting guard',
  reference:
    'Solatorio & Dupriez 2023, "REaLTabFormer: Generating Realistic Relational and Tabular Data using Transformers" (tokens, DCR-based early stopping); Borisov et al. 2023, "Language Models are Realistic Tabular Data Generators" (GReaT, column permutation)',
  paramsSchema: tabularLmParams,
  fit(train: Table, params: TabularLmParams, ctx: FitContext): Promise<TabularLmModel> {
    return fitTabularLm(train, params, ctx, createLanguageModel);
  },
} satisfies Generator<TabularLmParams>;
