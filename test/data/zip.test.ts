import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SynthbenchError } from '../../src/core/errors.js';
import { crc32, listZip, readZipEntry } from '../../src/data/zip.js';
import { MIRROR } from './dataset-helpers.js';

interface Member {
  name: string;
  data: Buffer;
  method: 0 | 8;
  /** Write a wrong CRC into the central directory. */
  badCrc?: boolean;
}

/** A minimal ZIP writer (APPNOTE 4.3.7 / 4.3.12 / 4.3.16), independent of the reader under test. */
function makeZip(members: Member[], comment = ''): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const body = m.method === 8 ? deflateRawSync(m.data) : m.data;
    const crc = crc32(m.data) ^ (m.badCrc ? 1 : 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(m.method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(m.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(m.method, 10);
    cen.writeUInt32LE(crc >>> 0, 16);
    cen.writeUInt32LE(body.length, 20);
    cen.writeUInt32LE(m.data.length, 24);
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(cen, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const c = Buffer.from(comment, 'utf8');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(c.length, 20);
  return Buffer.concat([...locals, cd, end, c]);
}

const text = Buffer.from('a,b\n1,2\n'.repeat(200), 'utf8');

function errorOf(f: () => unknown): SynthbenchError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SynthbenchError);
    expect((e as SynthbenchError).message).not.toContain('\n');
    return e as SynthbenchError;
  }
  throw new Error('expected an error');
}

describe('zip reader', () => {
  it('crc32 matches the standard check value (CRC-32/ISO-HDLC of "123456789" = cbf43926)', () => {
    expect(crc32(Buffer.from('123456789')).toString(16)).toBe('cbf43926');
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });

  it('reads stored and deflated members, by full path or by base name, past an archive comment', () => {
    const zip = makeZip(
      [
        { name: 'dir/stored.csv', data: text, method: 0 },
        { name: 'dir/deflated.csv', data: text, method: 8 },
      ],
      'an archive comment',
    );
    expect(listZip(zip).map((e) => [e.name, e.method, e.size])).toEqual([
      ['dir/stored.csv', 0, text.length],
      ['dir/deflated.csv', 8, text.length],
    ]);
    expect(readZipEntry(zip, 'dir/stored.csv').equals(text)).toBe(true);
    expect(readZipEntry(zip, 'deflated.csv').equals(text)).toBe(true);
  });

  it('fails with one line on a missing member, a bad CRC, and a non-zip file', () => {
    const zip = makeZip([{ name: 'x.csv', data: text, method: 8, badCrc: true }]);
    expect(errorOf(() => readZipEntry(zip, 'y.csv', 'a.zip')).message).toContain('a.zip: has no member y.csv (members: x.csv)');
    expect(errorOf(() => readZipEntry(zip, 'x.csv', 'a.zip')).message).toMatch(/a\.zip: member x\.csv has CRC-32 [0-9a-f]{8}, expected [0-9a-f]{8}/);
    expect(errorOf(() => listZip(Buffer.from('not a zip archive at all, just text'), 'b.zip')).message).toContain('b.zip: not a ZIP archive');
  });

  it('lists the upstream dataset_diabetes.zip members with their sizes', () => {
    const zip = readFileSync(join(MIRROR, 'diabetes130', 'dataset_diabetes.zip'));
    // `unzip -l dataset_diabetes.zip`: 19,159,383 and 2,547 bytes.
    expect(listZip(zip).map((e) => [e.name, e.size])).toEqual([
      ['dataset_diabetes/diabetic_data.csv', 19159383],
      ['dataset_diabetes/IDs_mapping.csv', 2547],
    ]);
    const mapping = readZipEntry(zip, 'IDs_mapping.csv').toString('latin1');
    expect(mapping.startsWith('admission_type_id,description')).toBe(true);
  });
});
