/**
 * @module The throughput chart of the shift figures, drawn on a canvas by uPlot. Only the figures
 * page loads this module, by dynamic import(), so uPlot and its CSS are a chunk of their own that
 * the console fetches when the page opens (never part of its first download). Words and colours
 * come from the page: this module draws what it is given.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  /** One value per hour; null where there is none yet (hours still to come). */
  values: (number | null)[];
}

export interface ChartInput {
  /** Each hour's start, in seconds since the epoch. */
  hours: number[];
  series: ChartSeries[];
  width: number;
  height: number;
  /** "14:00" for an hour's start in seconds, in the page's language. */
  hourLabel: (seconds: number) => string;
  xLabel: string;
  yLabel: string;
}

export interface DrawnChart {
  resize(width: number, height: number): void;
  destroy(): void;
}

// Light strokes on the console's dark background (contrast over 7:1 for the axes' text).
const AXIS = '#e6edf3';
const GRID = 'rgba(230, 237, 243, 0.14)';
const FONT = '16px system-ui, "Noto Sans Thai", sans-serif';
const LABEL_FONT = 'bold 16px system-ui, "Noto Sans Thai", sans-serif';

export function drawThroughput(into: HTMLElement, input: ChartInput): DrawnChart {
  const axis = (label: string): uPlot.Axis => ({
    stroke: AXIS,
    grid: { stroke: GRID, width: 1 },
    ticks: { stroke: GRID, width: 1 },
    font: FONT,
    labelFont: LABEL_FONT,
    label,
  });
  const options: uPlot.Options = {
    width: input.width,
    height: input.height,
    // The page draws its own legend (and the table): uPlot's would repeat it.
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 10 } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
    axes: [
      {
        ...axis(input.xLabel),
        incrs: [3600, 7200, 10800, 14400],
        values: (_u, splits) => splits.map((s) => input.hourLabel(s)),
      },
      { ...axis(input.yLabel), size: 60, values: (_u, splits) => splits.map((s) => String(s)) },
    ],
    series: [
      {},
      ...input.series.map((s): uPlot.Series => ({
        label: s.label,
        stroke: s.color,
        width: 3,
        points: { show: true, size: 9, fill: s.color, stroke: s.color },
        spanGaps: false,
      })),
    ],
  };
  const chart = new uPlot(options, [input.hours, ...input.series.map((s) => s.values)], into);
  return {
    resize: (width, height) => chart.setSize({ width, height }),
    destroy: () => chart.destroy(),
  };
}
