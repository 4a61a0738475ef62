/**
 * @module The planning desk's page for routings (admin, SPEC DK-14 … DK-18): a routing from a JSON
 * file or pasted, checked (nothing stored) or published; the answer in words: every broken rule as
 * a sentence with the nodes it names (the server's message beside it), a bad paste by line and
 * column, a changed routing under a taken version explained; the routing drawn with the named nodes
 * marked; the published routings with their versions, each drawn on demand.
 */
import { useEffect, useMemo } from 'preact/hooks';
import type { RoutingProblem, RoutingSummary } from '../../../../shared/routing-desk-api';
import { formatWhen } from '../../../i18n/format';
import { useModel } from '../../../state/use-model';
import { useConsoleText } from '../../i18n/language';
import type { RoutingResult, RoutingsState } from '../../models/routings-model';
import { RoutingsModel, markedNodes } from '../../models/routings-model';
import type { PageProps } from '../../page';
import { RoutingDrawing } from './routing-drawing';
import './routings.css';

function ImportForm(props: { state: RoutingsState; model: RoutingsModel }) {
  const { t } = useConsoleText();
  const r = t.routings;
  const { state, model } = props;
  const empty = state.text.trim() === '';
  return (
    <form class="rt-import" onSubmit={(e) => e.preventDefault()}>
      <label class="rt-file">
        <span class="rt-file-label">{r.file}</span>
        <span class="rt-file-picker">
          <input
            type="file"
            accept=".json,application/json"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void file.text().then((text) => model.setText(text, file.name));
            }}
          />
          <span class="rt-file-button" aria-hidden="true">
            {r.chooseFile}
          </span>
        </span>
        <span class="rt-file-name">{state.fileName ? r.fileChosen({ name: state.fileName }) : r.noFile}</span>
      </label>
      <label class="rt-field">
        <span>{r.paste}</span>
        <textarea
          name="routing-json"
          rows={10}
          spellcheck={false}
          autoComplete="off"
          aria-describedby="rt-paste-hint"
          aria-invalid={state.jsonProblem ? 'true' : undefined}
          value={state.text}
          onInput={(e) => model.setText(e.currentTarget.value)}
        />
      </label>
      <p id="rt-paste-hint" class="rt-hint">
        {r.pasteHint}
      </p>
      <div class="rt-actions">
        <button type="button" disabled={state.busy !== null || empty} onClick={() => void model.check()}>
          {state.busy === 'check' ? r.checking : r.check}
        </button>
        <button
          type="button"
          class="primary"
          disabled={state.busy !== null || empty}
          onClick={() => void model.publish()}
        >
          {state.busy === 'publish' ? r.publishing : r.publish}
        </button>
      </div>
      {state.jsonProblem && (
        <div class="rt-problem" role="alert" data-json-problem>
          <p>{r.jsonProblem(state.jsonProblem)}</p>
          <p class="rt-detail">{state.jsonProblem.detail}</p>
        </div>
      )}
    </form>
  );
}

function ProblemItem(props: {
  problem: RoutingProblem;
  index: number;
  selected: boolean;
  drawn: ReadonlySet<string> | null;
  onSelect: () => void;
}) {
  const { t } = useConsoleText();
  const r = t.routings;
  const p = props.problem;
  const sentence =
    p.rule !== undefined
      ? (r.rules[p.rule] ?? r.otherProblem)
      : p.path !== undefined
        ? r.field({ path: p.path || '(routing)' })
        : r.otherProblem;
  const nodes = p.nodes ?? [];
  return (
    <li
      class={`rt-problem-item${props.selected ? ' rt-selected' : ''}`}
      data-problem={p.rule ?? p.path ?? ''}
    >
      <p>
        {p.rule && <strong class="rt-rule">{p.rule}</strong>} {sentence}
      </p>
      {nodes.length > 0 ? (
        <p class="rt-nodes" data-problem-nodes={nodes.join(' ')}>
          <span>{r.nodes}:</span>{' '}
          {nodes.slice(0, 50).map((code) => (
            <code key={code} class="rt-node-code">
              {code}
              {props.drawn && !props.drawn.has(code) ? ` ${r.notDrawn}` : ''}
            </code>
          ))}
          {nodes.length > 50 ? ' …' : ''}
        </p>
      ) : (
        p.rule !== undefined && <p class="rt-nodes">{r.wholeRouting}</p>
      )}
      {p.message && (
        <p class="rt-detail">
          {r.serverSays} {p.message}
        </p>
      )}
      {nodes.length > 0 && props.drawn && (
        <button type="button" aria-pressed={props.selected} onClick={props.onSelect}>
          {r.showOnDrawing({ n: props.index + 1 })}
        </button>
      )}
    </li>
  );
}

function Result(props: { result: RoutingResult; state: RoutingsState; model: RoutingsModel }) {
  const { t } = useConsoleText();
  const r = t.routings;
  const { result, state, model } = props;
  switch (result.kind) {
    case 'checked': {
      const c = result.checked;
      const text =
        c.publish === 'new'
          ? r.checkedNew({ code: c.code, version: c.version, nodes: c.nodes, edges: c.edges })
          : c.publish === 'same'
            ? r.checkedSame(c)
            : r.checkedChanged(c);
      return (
        <p
          class={`rt-result ${c.publish === 'changed' ? 'rt-warn' : 'rt-ok'}`}
          role="status"
          data-result={`checked-${c.publish}`}
        >
          {text}
        </p>
      );
    }
    case 'published': {
      const p = result.published;
      return (
        <div
          class="rt-result rt-ok"
          role="status"
          data-result={p.created ? 'published' : 'already-published'}
        >
          <p>{p.created ? r.published(p) : r.alreadyPublished(p)}</p>
          {p.workCenters.created.length > 0 && (
            <p>{r.workCentersCreated({ list: p.workCenters.created.join(', ') })}</p>
          )}
        </div>
      );
    }
    case 'version-taken':
      return (
        <div class="rt-result rt-problem" role="alert" data-result="version-taken">
          <p>{r.versionTaken(result)}</p>
          <p class="rt-detail">
            {r.serverSays} {result.message}
          </p>
        </div>
      );
    case 'conflict':
      return (
        <div class="rt-result rt-problem" role="alert" data-result="conflict">
          <p>{r.conflict}</p>
          <p class="rt-detail">{result.message}</p>
        </div>
      );
    case 'failed':
      return (
        <p class="rt-result rt-problem" role="alert" data-result="failed">
          {result.status === 413
            ? r.tooLarge
            : result.status === 403
              ? r.adminOnly
              : result.status === 0
                ? r.unreachable
                : r.serverFailed({ status: result.status })}
        </p>
      );
    case 'refused': {
      const drawn =
        state.shown === null && state.draft ? new Set(state.draft.nodes.map((n) => n.code)) : null;
      return (
        <div class="rt-result rt-problem" role="alert" data-result="refused">
          <p class="rt-refused-heading">
            {result.problems.length > 0
              ? r.refusedHeading({ action: result.action, n: result.problems.length })
              : r.refusedNoDetail}
          </p>
          {result.problems.length === 0 && <p class="rt-detail">{result.message}</p>}
          <ol class="rt-problems">
            {result.problems.map((p, i) => (
              <ProblemItem
                key={i}
                problem={p}
                index={i}
                selected={state.selectedProblem === i}
                drawn={drawn}
                onSelect={() => model.selectProblem(state.selectedProblem === i ? null : i)}
              />
            ))}
          </ol>
        </div>
      );
    }
  }
}

function Drawing(props: { state: RoutingsState; model: RoutingsModel }) {
  const { t } = useConsoleText();
  const r = t.routings;
  const { state, model } = props;
  const marked = useMemo(
    () => (state.shown ? new Set<string>() : markedNodes(state.result)),
    [state.shown, state.result],
  );
  const focused = useMemo(
    () =>
      state.shown || state.selectedProblem === null
        ? new Set<string>()
        : markedNodes(state.result, state.selectedProblem),
    [state.shown, state.result, state.selectedProblem],
  );
  const graph = state.shown ? state.shownGraph : state.draft;
  return (
    <section class="rt-drawing" aria-labelledby="rt-drawing-heading">
      <h3 id="rt-drawing-heading">{r.drawingHeading}</h3>
      {state.shown ? (
        <div class="rt-caption">
          <p data-drawn={`${state.shown.code} v${state.shown.version}`}>{r.shownCaption(state.shown)}</p>
          {state.draft && (
            <button type="button" onClick={() => model.showDraft()}>
              {r.backToDraft}
            </button>
          )}
        </div>
      ) : (
        state.draft && (
          <p class="rt-caption" data-drawn="draft">
            {r.draftCaption}
          </p>
        )
      )}
      {state.shownFailed ? (
        <p role="alert" class="rt-problem">
          {r.sourceFailed}
        </p>
      ) : graph ? (
        <RoutingDrawing graph={graph} marked={marked} focused={focused} />
      ) : state.shown ? (
        <p role="status">{r.laying}</p>
      ) : (
        <p class="rt-hint">{state.result && !state.draft ? r.nothingToDraw : r.noDrawing}</p>
      )}
    </section>
  );
}

function PublishedList(props: {
  routings: readonly RoutingSummary[];
  state: RoutingsState;
  model: RoutingsModel;
  now: number;
}) {
  const { t, language } = useConsoleText();
  const r = t.routings;
  const { state, model } = props;
  return (
    <ul class="stack-list">
      {props.routings.map((routing) => (
        <li key={routing.code} class="rt-routing" data-routing={routing.code}>
          <h4>{routing.code}</h4>
          <ul class="stack-list">
            {routing.versions.map((v) => {
              const drawn = state.shown?.code === routing.code && state.shown.version === v.version;
              return (
                <li
                  key={v.version}
                  class={`rt-version${drawn ? ' rt-drawn' : ''}`}
                  data-version={`${routing.code} v${v.version}`}
                >
                  <div class="rt-version-text">
                    <p>
                      <strong>{r.version({ version: v.version })}</strong> · {v.name}
                    </p>
                    <p class="rt-meta">
                      {r.modes[v.routingMode]} · {r.nodeCount({ n: v.nodes })} ·{' '}
                      {r.ticketCount({ n: v.tickets })} ·{' '}
                      {r.publishedAt({ time: formatWhen(language, v.publishedAt, props.now) })}
                    </p>
                  </div>
                  <button
                    type="button"
                    aria-pressed={drawn}
                    aria-label={r.draw({ code: routing.code, version: v.version })}
                    onClick={() => void model.choose(routing.code, v.version)}
                  >
                    {r.drawShort}
                  </button>
                </li>
              );
            })}
          </ul>
        </li>
      ))}
    </ul>
  );
}

export function RoutingsPage(props: PageProps) {
  const { t } = useConsoleText();
  const r = t.routings;
  const model = useMemo(
    () => new RoutingsModel(props.fetcher, props.signedOut),
    [props.fetcher, props.signedOut],
  );
  useEffect(() => {
    void model.load();
    return () => model.stop();
  }, [model]);
  const state = useModel(model);
  return (
    <main class="page routings">
      <h2>{r.heading}</h2>
      <p class="rt-intro">{r.intro}</p>
      <section class="rt-import-section" aria-labelledby="rt-import-heading">
        <h3 id="rt-import-heading">{r.importHeading}</h3>
        <ImportForm state={state} model={model} />
        {state.result && <Result result={state.result} state={state} model={model} />}
      </section>
      <Drawing state={state} model={model} />
      <section aria-labelledby="rt-list-heading">
        <h3 id="rt-list-heading">{r.listHeading}</h3>
        {state.loadFailed && (
          <p class="rt-problem" role="status">
            {r.loadFailed}
          </p>
        )}
        {state.routings === null ? (
          !state.loadFailed && <p role="status">{r.loading}</p>
        ) : state.routings.length === 0 ? (
          <p>{r.none}</p>
        ) : (
          <PublishedList routings={state.routings} state={state} model={model} now={props.clock.now()} />
        )}
      </section>
    </main>
  );
}
