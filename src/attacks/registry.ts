/** The attack registry: every attack the runner and `synthbench list` know about. */
import { Registry } from '../core/registry.js';
import { dcr } from './membership/dcr.js';
import type { Attack } from './types.js';

export const attacks = new Registry<Attack>('attack');
attacks.register(dcr);
