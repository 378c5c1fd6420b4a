/**
 * Dataset plugin contract. A dataset is either a set of upstream files, each pinned by URL and
 * SHA-256 (fetched from a mirror, the cache or the network, then parsed by `load`), or a built-in
 * simulated dataset (no sources; `load` generates rows from validated params).
 */
import type { z } from 'zod';
import type { Plugin } from '../core/registry.js';
import type { Table } from '../core/table.js';

export interface DatasetSource {
  /** Upstream file name; also the name in the mirror and cache (`<dir>/<dataset-id>/<file>`). */
  file: string;
  url: string;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
  /**
   * When the pinned bytes are a documented derivative of what `url` serves (e.g. one column
   * recoded), turns the downloaded bytes into them; the result must still match `sha256`, so a
   * wrong or changed upstream file is still refused.
   */
  fromDownload?: (downloaded: Buffer) => Buffer;
  /**
   * Set when `url` cannot serve the pinned file at all (e.g. the publisher ships only another
   * format): downloads are refused and this sentence, naming where to get the file, is shown.
   */
  manual?: string;
}

export interface DatasetSpec<P = any> extends Plugin {
  id: string;
  summary: string;
  citation: string;
  homepage: string;
  license?: string;
  /** Empty for built-in simulated datasets. */
  sources: DatasetSource[];
  target: string;
  sensitive: string[];
  quasiIdentifiers: string[];
  paramsSchema?: z.ZodType<P>;
  /** Build the table from the verified files (keyed by `file`); sync, may throw BAD_INPUT. */
  load(files: Map<string, Buffer>, params: P): Table;
}
