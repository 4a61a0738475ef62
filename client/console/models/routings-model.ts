/**
 * @module The routings page (admin, SPEC DK-14 … DK-18): the routing text (pasted or from a file),
 * read as JSON here first (a bad paste is named by line and column and nothing is sent), then
 * checked or published by the server; the answer kept as a result the view says in words (every
 * broken rule with its nodes, the 409 of a changed routing under a taken version); the published
 * routings listed, and a chosen version drawn instead of the draft.
 */
import type {
  RoutingChecked,
  RoutingProblem,
  RoutingPublished,
  RoutingSummary,
} from '../../../shared/routing-desk-api';
import { problemsOf } from '../../../shared/routing-desk-api';
import { Model } from '../../state/model';
import type { Failure } from '../api';
import { checkRouting, fetchRoutingSource, fetchRoutings, publishRouting } from '../api/routings';
import type { DrawGraph } from './routing-drawing';
import { drawableGraph } from './routing-drawing';

export type RoutingAction = 'check' | 'publish';

export type RoutingResult =
  | { kind: 'checked'; checked: RoutingChecked }
  | { kind: 'published'; published: RoutingPublished }
  /** 400: the rules it breaks (each naming its nodes) or the fields that are wrong. */
  | { kind: 'refused'; action: RoutingAction; message: string; problems: RoutingProblem[] }
  /** 409: this code and version are published with other content (a changed routing needs a new version). */
  | { kind: 'version-taken'; code: string; version: number; message: string }
  /** 409 for another reason (a work center that exists with another behavior): the server's words. */
  | { kind: 'conflict'; message: string }
  | { kind: 'failed'; action: RoutingAction; status: number };

/** Where a pasted text stops being JSON (1-based line and column), and the parser's words. */
export interface JsonProblem {
  line: number;
  column: number;
  detail: string;
}

export interface RoutingsState {
  routings: readonly RoutingSummary[] | null;
  loadFailed: boolean;
  text: string;
  /** The file the text came from, if it came from one. */
  fileName: string | null;
  jsonProblem: JsonProblem | null;
  /** The routing in the text as last checked or published, to draw. */
  draft: DrawGraph | null;
  busy: RoutingAction | null;
  result: RoutingResult | null;
  /** The problem the admin picked in the list: its nodes stand out on the drawing. */
  selectedProblem: number | null;
  /** A published version drawn instead of the draft. */
  shown: { code: string; version: number } | null;
  shownGraph: DrawGraph | null;
  shownFailed: boolean;
}

/** Reads the text as JSON; a failure says where (line and column from the parser's position). */
export function parseRoutingText(
  text: string,
): { ok: true; value: unknown } | { ok: false; problem: JsonProblem } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = (error as Error).message;
    const lineColumn = /line (\d+) column (\d+)/.exec(detail);
    if (lineColumn) {
      return { ok: false, problem: { line: Number(lineColumn[1]), column: Number(lineColumn[2]), detail } };
    }
    // Some messages name no place ("Unexpected token 'o', ... is not valid JSON"): find it here.
    const position = /position (\d+)/.exec(detail);
    const at = position ? Number(position[1]) : jsonErrorOffset(text);
    const before = text.slice(0, at).split('\n');
    return {
      ok: false,
      problem: { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1, detail },
    };
  }
}

/**
 * Where JSON text first goes wrong (an offset; the text's length when it ends too early): a small
 * scanner with an explicit stack, for the parsers whose message names no position.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const stack: ('{' | '[')[] = [];
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const string = (): boolean => {
    if (text[i] !== '"') return false;
    for (i++; i < text.length; i++) {
      const c = text[i] as string;
      if (c === '"') return (i++, true);
      if (c === '\\') i++;
      else if (c < ' ') return false;
    }
    return false;
  };
  const scalar = (): boolean => {
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  // Each step: after a value, a separator or a closer; else a value (opening a container or not).
  let expectValue = true;
  for (;;) {
    space();
    if (i >= text.length) return stack.length === 0 && !expectValue ? i : text.length;
    const c = text[i] as string;
    if (expectValue) {
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        space();
        if (text[i] === (c === '{' ? '}' : ']')) {
          stack.pop();
          i++;
          expectValue = false;
        } else if (c === '{' && !(string() && (space(), text[i++] === ':'))) return Math.max(0, i - 1);
        continue;
      }
      const start = i;
      if (!(string() || scalar())) return start;
      expectValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) return i; // something after the value
    if (c === ',') {
      i++;
      space();
      if (top === '{') {
        const start = i;
        if (!string()) return start;
        space();
        if (text[i] !== ':') return i;
        i++;
      }
      expectValue = true;
    } else if (c === (top === '{' ? '}' : ']')) {
      stack.pop();
      i++;
    } else return i;
  }
}

/** The words a refused check or publish gets (pure). */
export function resultOfFailure(action: RoutingAction, failure: Failure): RoutingResult {
  const refusal = problemsOf(failure.body);
  if (failure.status === 400 && refusal) return { kind: 'refused', action, ...refusal };
  if (failure.status === 409 && refusal) {
    const taken = refusal.problems.find((p) => p.routing !== undefined && p.version !== undefined);
    return taken
      ? {
          kind: 'version-taken',
          code: taken.routing ?? '',
          version: taken.version ?? 0,
          message: refusal.message,
        }
      : { kind: 'conflict', message: refusal.message };
  }
  return { kind: 'failed', action, status: failure.status };
}

/** The nodes the problems name (all of them, or the selected one's). */
export function markedNodes(result: RoutingResult | null, selected: number | null = null): Set<string> {
  if (result?.kind !== 'refused') return new Set();
  const problems = selected === null ? result.problems : result.problems.slice(selected, selected + 1);
  return new Set(problems.flatMap((p) => p.nodes ?? []));
}

export class RoutingsModel extends Model<RoutingsState> {
  private stopped = false;

  constructor(
    private readonly fetcher: typeof fetch,
    private readonly unauthorized: () => void,
  ) {
    super({
      routings: null,
      loadFailed: false,
      text: '',
      fileName: null,
      jsonProblem: null,
      draft: null,
      busy: null,
      result: null,
      selectedProblem: null,
      shown: null,
      shownGraph: null,
      shownFailed: false,
    });
  }

  async load(): Promise<void> {
    const answer = await fetchRoutings(this.fetcher);
    if (this.stopped) return;
    if (!answer.ok && answer.failure.status === 401) return this.unauthorized();
    this.patch(answer.ok ? { routings: answer.value.routings, loadFailed: false } : { loadFailed: true });
  }

  stop(): void {
    this.stopped = true;
  }

  /** The text changed: what was said about the old one no longer holds. */
  setText(text: string, fileName: string | null = null): void {
    this.patch({ text, fileName, jsonProblem: null, result: null, selectedProblem: null });
  }

  check(): Promise<void> {
    return this.send('check');
  }

  publish(): Promise<void> {
    return this.send('publish');
  }

  private async send(action: RoutingAction): Promise<void> {
    const { text } = this.get();
    const parsed = parseRoutingText(text);
    if (!parsed.ok) {
      this.patch({ jsonProblem: parsed.problem, result: null, selectedProblem: null });
      return;
    }
    this.patch({
      busy: action,
      jsonProblem: null,
      result: null,
      selectedProblem: null,
      draft: drawableGraph(parsed.value),
      shown: null,
      shownGraph: null,
      shownFailed: false,
    });
    const answer =
      action === 'check' ? await checkRouting(this.fetcher, text) : await publishRouting(this.fetcher, text);
    if (this.stopped) return;
    if (!answer.ok && answer.failure.status === 401) return this.unauthorized();
    let result: RoutingResult;
    if (!answer.ok) result = resultOfFailure(action, answer.failure);
    else if ('ok' in answer.value) result = { kind: 'checked', checked: answer.value };
    else result = { kind: 'published', published: answer.value };
    this.patch({ busy: null, result });
    if (result.kind === 'published') await this.load();
  }

  selectProblem(index: number | null): void {
    this.patch({ selectedProblem: index });
  }

  /** Draws a published version instead of the draft. */
  async choose(code: string, version: number): Promise<void> {
    this.patch({ shown: { code, version }, shownGraph: null, shownFailed: false });
    const answer = await fetchRoutingSource(this.fetcher, code, version);
    if (this.stopped) return;
    if (!answer.ok && answer.failure.status === 401) return this.unauthorized();
    const shown = this.get().shown;
    if (shown?.code !== code || shown.version !== version) return; // another was chosen meanwhile
    this.patch(
      answer.ok
        ? { shownGraph: drawableGraph(answer.value.source), shownFailed: false }
        : { shownFailed: true },
    );
  }

  showDraft(): void {
    this.patch({ shown: null, shownGraph: null, shownFailed: false });
  }
}
