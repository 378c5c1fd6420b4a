/** Reports: leaderboard aggregation and the self-contained HTML page. */
export {
  aggregate,
  summarizeCell,
  splitMeasureId,
  groupOf,
  REPETITION_CI_LEVEL,
  type Breakdown,
  type CellState,
  type CellSummary,
  type DatasetBoard,
  type FailureEntry,
  type GeneratorRow,
  type LeaderboardModel,
  type MeasureColumn,
  type MeasureGroup,
  type StatusCounts,
} from './aggregate.js';
export { formatEstimate, formatNumber, formatLevel, precisionFor, formatWith, type Precision } from './format.js';
export { renderHtml, type RenderOptions } from './html.js';
export { writeReport, type WriteReportOptions } from './write.js';
