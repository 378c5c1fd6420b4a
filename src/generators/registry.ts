/** The generator registry: every built-in generator, looked up by id (`synthbench list --generators`). */
import { Registry } from '../core/registry.js';
import { identity } from './baseline/identity.js';
import { marginals } from './baseline/marginals.js';
import { uniform } from './baseline/uniform.js';
import { gaussianCopula } from './copula/gaussian-copula.js';
import { copulagan } from './gan/copulagan.js';
import { ctgan } from './gan/ctgan.js';
import { llmEndpoint } from './llm/llm-endpoint.js';
import { medgan } from './medgan/medgan.js';
import { tabularLm } from './lm/tabular-lm.js';
import type { Generator } from './types.js';
import { tvae } from './vae/tvae.js';

export const generators = new Registry<Generator>('generator');
generators.register(identity);
generators.register(uniform);
generators.register(marginals);
generators.register(gaussianCopula);
generators.register(llmEndpoint);
generators.register(tvae);
generators.register(ctgan);
generators.register(copulagan);
generators.register(medgan);
generators.register(tabularLm);
