/**
 * @module The console's screen: the session decides between sign-in and the board. Signed in, the
 * board is fetched first and the live stream opened after its cursor (no change in between is
 * lost); every reported change refetches the board (throttled, board-model.ts); a resync reloads it.
 */
import { useEffect, useMemo } from 'preact/hooks';
import { useModel } from '../state/use-model';
import type { ConsoleApi } from './api';
import { useConsoleText } from './i18n/language';
import { BoardModel } from './models/board-model';
import type { LiveClock, OpenSource } from './models/live-model';
import { LiveModel, systemClock } from './models/live-model';
import { SessionModel } from './models/session-model';
import { BoardView } from './views/board';
import { Header } from './views/header';
import { SignIn } from './views/sign-in';

export interface ConsoleDeps {
  api: ConsoleApi;
  openSource: OpenSource;
  clock?: LiveClock;
}

function FloorBoard(props: ConsoleDeps & { session: SessionModel }) {
  const clock = props.clock ?? systemClock;
  const { board, live } = useMemo(() => {
    const board = new BoardModel(props.api, () => props.session.ended(), clock);
    const live = new LiveModel(
      props.openSource,
      {
        changes: () => board.refresh(),
        reload: () => board.refresh(),
        closed: () => void props.session.check(),
      },
      clock,
    );
    return { board, live };
  }, [props.api, props.openSource, props.session, clock]);
  useEffect(() => {
    let stopped = false;
    void board.load().then(() => {
      if (!stopped) live.start(board.get().board?.cursor ?? 0);
    });
    return () => {
      stopped = true;
      live.stop();
      board.stop();
    };
  }, [board, live]);
  return (
    <BoardView
      state={useModel(board)}
      live={useModel(live)}
      onFilters={(filters) => void board.setFilters(filters)}
    />
  );
}

export function ConsoleApp(props: ConsoleDeps) {
  const session = useMemo(() => new SessionModel(props.api), [props.api]);
  const state = useModel(session);
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
        <SignIn state={state} onSignIn={(username, password) => void session.signIn(username, password)} />
      )}
      {state.kind === 'signed-in' && <FloorBoard {...props} session={session} />}
    </>
  );
}
