import { readFileSync } from 'node:fs';
import { Rng } from '../../src/core/rng.js';
import { Table } from '../../src/core/table.js';
import type { ColumnSpec } from '../../src/core/schema.js';
import { generators } from '../../src/generators/index.js';
import { parseParams } from '../../src/core/registry.js';
import { fitContext, quantile } from './helpers.js';
const names = ['age','workclass','fnlwgt','education','education-num','marital-status','occupation','relationship','race','sex','capital-gain','capital-loss','hours-per-week','native-country','income'];
const num = new Set(['age','fnlwgt','education-num','capital-gain','capital-loss','hours-per-week']);
const rows = readFileSync('../shared/datasets/adult/adult.data','utf8').split('\n').filter(l=>l.trim()).map(l=>l.split(',').map(s=>s.trim()));
const specs: ColumnSpec[] = names.map((n,j)=> num.has(n) ? {name:n, kind:'integer', roles:[]} : {name:n, kind:'categorical', roles:[], categories:[...new Set(rows.map(r=>r[j]).filter(v=>v!=='?'))]});
const arrays = specs.map((s,j)=> s.kind==='integer' ? Float64Array.from(rows, r=>+r[j]) : Int32Array.from(rows, r=> r[j]==='?' ? -1 : s.categories!.indexOf(r[j])));
const t = new Table({columns: specs}, arrays);
for (const id of [] as string[]) {
  const g = generators.get(id);
  let t0 = performance.now();
  const m: any = await g.fit(t, parseParams('generator', id, g.paramsSchema, {}), fitContext(1));
  const tf = performance.now()-t0; t0 = performance.now();
  const s = await m.sample(t.nRows, new Rng(2));
  console.log(id, 'fit', tf.toFixed(0), 'sample', (performance.now()-t0).toFixed(0), 'bytes', m.sizeBytes);
  if (m.describe) console.log(m.describe().columns.filter((c:any)=>c.ks!==undefined).map((c:any)=>`${c.name}:${c.marginal}:${c.ks.toFixed(3)}`).join(' '));
  for (const c of ['age','capital-gain','hours-per-week']) console.log('  ', c, [0.1,0.5,0.9,0.95].map(p=>[quantile(t.numeric(c),p), quantile(s.numeric(c),p)].join('/')).join(' '), 'zeros', [t,s].map(x=>Array.from(x.numeric(c)).filter(v=>v===0).length/x.nRows).map(v=>v.toFixed(3)).join('/'));
}
{
const g = generators.get('gaussian-copula');
const m: any = await g.fit(t, parseParams('generator', 'gaussian-copula', g.paramsSchema, {}), fitContext(1));
for (let r = 0; r < 3; r++) { const t0 = performance.now(); m.sample(t.nRows, new Rng(r)); console.log('sample again', (performance.now()-t0).toFixed(0)); }
}
