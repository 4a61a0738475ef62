/**
 * @module The console's shell: the session decides between sign-in and the pages. Signed in, it
 * reads the board's cursor, opens the one live stream after it (no change in between is lost) and
 * hands each change to the open page through the live bus; the page is chosen by the hash
 * (router.ts). Pages fetch their own data and refetch when the bus reports their kind of change.
 */
import { useCallback, useEffect, useMemo } from 'preact/hooks';
import { useModel } from '../state/use-model';
import type { ConsoleApi, ConsoleSession } from './api';
import { NO_FILTERS } from './api';
import { useConsoleText } from './i18n/language';
import { BoardModel } from './models/board-model';
import { LiveBus } from './models/live-bus';
import type { LiveClock, OpenSource } from './models/live-model';
import { LiveModel, systemClock } from './models/live-model';
import { SessionModel } from './models/session-model';
import type { PageProps } from './page';
import type { ConsolePage, HashWindow } from './router';
import { isDeskPage } from './router';
import { RouteModel } from './router';
import { BoardView } from './views/board';
import { FiguresPage } from './views/figures';
import { Header } from './views/header';
import { InboxPage } from './views/inbox';
import { Nav, mayOpen } from './views/nav';
import { SignedOut } from './views/first-admin';
import { StationsPage } from './views/stations';
import { TracePage } from './views/trace';
import { DeskPage } from './views/desk-page';

export interface ConsoleDeps {
  api: ConsoleApi;
  openSource: OpenSource;
  /** Same-origin fetch for the pages' own requests. */
  fetcher: typeof fetch;
  window: HashWindow;
  clock?: LiveClock;
}

function BoardPage(props: PageProps & { api: ConsoleApi }) {
  const board = useMemo(
    () => new BoardModel(props.api, props.signedOut, props.clock),
    [props.api, props.signedOut, props.clock],
  );
  useEffect(() => {
    void board.load();
    const stop = props.bus.subscribe({
      kinds: ['token', 'station'],
      changes: () => board.refresh(),
      reload: () => board.refresh(),
    });
    return () => {
      stop();
      board.stop();
    };
  }, [board, props.bus]);
  return <BoardView state={useModel(board)} onFilters={(filters) => void board.setFilters(filters)} />;
}

function SignedIn(props: ConsoleDeps & { sessionModel: SessionModel; session: ConsoleSession }) {
  const clock = props.clock ?? systemClock;
  // Built once per sign-in: pages key their models on these, so they must not change per render.
  const { bus, live, router, go, signedOut } = useMemo(() => {
    const bus = new LiveBus();
    const router = new RouteModel(props.window);
    const live = new LiveModel(
      props.openSource,
      {
        changes: (message) => bus.publish(message),
        reload: () => bus.reload(),
        closed: () => void props.sessionModel.check(),
      },
      clock,
    );
    const go = (name: ConsolePage, param: string | null = null) => router.go(name, param);
    const signedOut = () => void props.sessionModel.check();
    return { bus, live, router, go, signedOut };
  }, [props.openSource, props.sessionModel, props.window, clock]);
  useEffect(() => {
    let stopped = false;
    // The stream starts after the board's cursor: whatever a page reads after this is covered.
    void props.api.board(NO_FILTERS).then((answer) => {
      if (stopped) return;
      if (!answer.ok && answer.failure.status === 401) return void props.sessionModel.check();
      live.start(answer.ok ? answer.value.cursor : 0);
    });
    return () => {
      stopped = true;
      live.stop();
      router.stop();
    };
  }, [live, router, props.api, props.sessionModel]);
  const asked = useModel(router);
  const route = mayOpen(props.session.role, asked.page) ? asked : { page: 'board' as const, param: null };
  const liveState = useModel(live);
  const page: PageProps = {
    fetcher: props.fetcher,
    session: props.session,
    bus,
    clock,
    param: route.param,
    go,
    signedOut,
  };
  return (
    <>
      <Nav route={route} role={props.session.role} live={liveState} />
      {route.page === 'board' && <BoardPage {...page} api={props.api} />}
      {route.page === 'inbox' && <InboxPage {...page} />}
      {route.page === 'trace' && <TracePage {...page} />}
      {route.page === 'figures' && <FiguresPage {...page} />}
      {route.page === 'stations' && <StationsPage {...page} />}
      {isDeskPage(route.page) && <DeskPage {...page} page={route.page} />}
    </>
  );
}

export function ConsoleApp(props: ConsoleDeps) {
  const session = useMemo(() => new SessionModel(props.api), [props.api]);
  const state = useModel(session);
  const signIn = useCallback(
    (username: string, password: string) => void session.signIn(username, password),
    [session],
  );
  const { t } = useConsoleText();
  useEffect(() => {
    void session.check();
  }, [session]);
  return (
    <>
      <Header
        session={state.kind === 'signed-in' ? state.session : null}
        onSignOut={() => void session.signOut()}
      />
      {state.kind === 'checking' && (
        <main class="sign-in">
          <p role="status">{t.signIn.checking}</p>
        </main>
      )}
      {state.kind === 'signed-out' && (
        <SignedOut fetcher={props.fetcher} window={props.window} state={state} onSignIn={signIn} />
      )}
      {state.kind === 'signed-in' && <SignedIn {...props} sessionModel={session} session={state.session} />}
    </>
  );
}
