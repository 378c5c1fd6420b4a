/** Public surface of the generators area. */
export * from './types.js';
export { generators } from './registry.js';
export { identity, identityParams, permutationIndices, type IdentityParams, type IdentityModel } from './baseline/identity.js';
export { uniform, uniformParams, type UniformParams, type UniformModel, type UniformColumn } from './baseline/uniform.js';
export { marginals, marginalsParams, type MarginalsParams, type MarginalsModel, type MarginalColumn } from './baseline/marginals.js';
export {
  gaussianCopula,
  gaussianCopulaParams,
  fitGaussianCopula,
  GaussianCopulaModel,
  type GaussianCopulaParams,
  type CopulaDescription,
  type CopulaColumnDescription,
  type MarginalKind,
} from './copula/gaussian-copula.js';
export { FAMILY_NAMES, type FamilyName, type Univariate } from './copula/distributions.js';
export { isModelled, learnResolution, finishNumeric, type Resolution } from './common.js';
