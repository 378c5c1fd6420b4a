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
export { renderHtml, renderHtmlFrom, renderReportHtml, type RenderOptions } from './html.js';
export { buildReport, type ReportData, type ReportOptions } from './model.js';
export { summarizeBoard, AXES, AXIS_DEFINITIONS, type Axis, type AxisDefinition, type AxisScore, type RowSummary } from './summary.js';
export { significantWinner, welchTTest, WINNER_ALPHA, type WinnerResult } from './winner.js';
export { renderCharts, renderSvg, paretoFront, type Chart, type ChartRequest } from './charts.js';
export { sanitizeSvg } from './svg-safety.js';
export { rocSeries, exposedTargets, type RocSeries, type ExposedTarget } from './evidence.js';
export { renderMarkdown, escapeMarkdown } from './markdown.js';
export { renderCsv, CSV_COLUMNS } from './csv.js';
export { renderJson, REPORT_JSON_VERSION } from './json.js';
export {
  writeReport,
  writeReports,
  loadRun,
  parseFormats,
  REPORT_FORMATS,
  type ReportFormat,
  type WriteReportOptions,
  type WriteReportsOptions,
} from './write.js';
