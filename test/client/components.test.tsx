// @vitest-environment happy-dom
/**
 * The station screen's parts as an operator meets them (rendered with @testing-library/preact):
 * the token card offers exactly the actions the shared state machine allows and asks for a QC
 * fail's reason before recording it; the status bar shows a draining backlog's progress; the
 * refused list offers Record again and Discard; the operator bar shows who is active.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StoredEntry } from '../../client/outbox/outbox';
import { emptySession, signIn } from '../../client/station/operator-session';
import { OperatorBar } from '../../client/ui/operator-bar';
import { RecentEvents, RefusedEvents } from '../../client/ui/recent-events';
import { StatusBar } from '../../client/ui/status-bar';
import { TokenCard } from '../../client/ui/token-card';
import { indexGraph } from '../../shared/routing-graph';
import { allowedActions } from '../../shared/token-machine';
import { tokenState } from '../../client/station/local-view';
import { loadGraph } from '../support/shared-fixtures';
import { idleSync, qcTote } from './support/screen-fixtures';

afterEach(cleanup);

const qcToken = qcTote();

function buttonNames(): string[] {
  return screen.getAllByRole('button').map((b) => b.textContent ?? '');
}

describe('token card', () => {
  const graph = indexGraph(loadGraph('bag-dag'));

  it('ST-1: offers the actions the state machine allows an active token at a QC node, and nothing else', () => {
    render(
      <TokenCard
        token={qcToken}
        actions={allowedActions(tokenState(qcToken), graph)}
        pendingAction={null}
        onRecord={() => undefined}
        onClose={() => undefined}
      />,
    );
    // Exactly these (their order, the primary first and Scrap set apart, is the card's own test).
    expect(buttonNames().sort()).toEqual(
      ['Pause', 'QC pass', 'QC fail', 'Scrap', 'Bind component', 'Note', 'Close'].sort(),
    );
  });

  it('ST-1: QC fail asks for the reason and records it with the reason; an empty reason records nothing', () => {
    const onRecord = vi.fn();
    render(
      <TokenCard
        token={qcToken}
        actions={allowedActions(tokenState(qcToken), graph)}
        pendingAction={null}
        onRecord={onRecord}
        onClose={() => undefined}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'QC fail' }));
    const reason = screen.getByLabelText('Reason for the QC fail');
    fireEvent.click(screen.getByRole('button', { name: 'Record QC fail' }));
    expect(onRecord).not.toHaveBeenCalled();
    fireEvent.input(reason, { target: { value: 'stitching loose' } });
    fireEvent.click(screen.getByRole('button', { name: 'Record QC fail' }));
    expect(onRecord).toHaveBeenCalledWith('qc_fail', { reason: 'stitching loose' });
  });

  it('SC-4, ST-1: a command barcode that needs a detail opens the card on that question', () => {
    render(
      <TokenCard
        token={qcToken}
        actions={allowedActions(tokenState(qcToken), graph)}
        pendingAction="note"
        onRecord={() => undefined}
        onClose={() => undefined}
      />,
    );
    expect(screen.getByLabelText('Note')).toBeTruthy();
  });
});

describe('status bar', () => {
  const idle = idleSync;

  it('OB-10: shows offline, the pending count and, while a backlog drains, done/total, speed and time left', () => {
    render(
      <StatusBar
        online={false}
        noAnswer={false}
        pending={1200}
        stationName="WC-CUT-1"
        onSyncNow={() => undefined}
        status={{
          ...idle,
          state: 'syncing',
          progress: { done: 3000, total: 4200, eventsPerSecond: 600, secondsLeft: 2 },
        }}
      />,
    );
    expect(screen.getByTestId('connection').textContent).toBe('Offline');
    expect(screen.getByTestId('pending').textContent).toBe('1200 scans waiting to send');
    expect(screen.getByTestId('last-sync').textContent).toBe('Not synced yet');
    expect(screen.getByTestId('progress').textContent?.trim()).toBe(
      'Sent 3000 of 4200 (600 a second) · about 2 s left',
    );
  });

  it('SY-3: says when the tablet must be enrolled again', () => {
    render(
      <StatusBar
        online
        noAnswer={false}
        pending={3}
        stationName=""
        onSyncNow={() => undefined}
        status={{ ...idle, state: 'blocked' }}
      />,
    );
    expect(screen.getByTestId('status').textContent).toContain('enroll it again');
  });
});

describe('refused and recent events', () => {
  const refused: StoredEntry = {
    id: 'e-1',
    seq: 4,
    schemaVersion: 1,
    queuedAt: '2026-11-22T08:00:00.000Z',
    stateKind: 'refused',
    state: { kind: 'refused', reason: { code: 'UNKNOWN_CODE', message: 'No work item BV-X' }, at: 'now' },
    event: {
      id: 'e-1',
      seq: 4,
      type: 'start',
      code: 'BV-X',
      nodeCode: 'CUT',
      operatorBadge: 'OP-0001',
      occurredAt: '2026-11-22T08:00:00.000Z',
    },
  };

  it('ST-5, ST-13: shows the reason by its code in words (not the server’s message) and offers Send again and Discard', () => {
    const onRetry = vi.fn();
    const onDiscard = vi.fn();
    render(<RefusedEvents entries={[refused]} onRetry={onRetry} onDiscard={onDiscard} />);
    const box = screen.getByTestId('refused').textContent ?? '';
    expect(box).toContain('This serial is not known to the system. Check the label.');
    expect(box).not.toContain('No work item BV-X');
    fireEvent.click(screen.getByRole('button', { name: 'Send again' }));
    fireEvent.click(screen.getByRole('button', { name: 'Discard' }));
    expect(onRetry).toHaveBeenCalledWith('e-1');
    expect(onDiscard).toHaveBeenCalledWith('e-1');
  });

  it('OB-7, FW-8: lists each recent event with its state', () => {
    render(
      <RecentEvents
        entries={[
          { ...refused, id: 'e-2', stateKind: 'forwarded', state: { kind: 'forwarded', at: 'now' } },
          { ...refused, id: 'e-3', stateKind: 'queued', state: { kind: 'queued' } },
        ]}
      />,
    );
    const items = screen.getAllByRole('listitem').map((li) => li.textContent ?? '');
    expect(items[0]).toContain('Sent to the factory system');
    expect(items[1]).toContain('Waiting to send');
  });
});

describe('operator bar', () => {
  it('ST-3: shows every signed-in operator, the active one first-class, and Lock; locked says to scan a badge', () => {
    const session = signIn(signIn(emptySession(), { badge: 'OP-1', name: 'Ana' }), {
      badge: 'OP-2',
      name: 'Bo',
    });
    const onSignOut = vi.fn();
    const { rerender } = render(
      <OperatorBar session={session} onSignOut={onSignOut} onLock={() => undefined} />,
    );
    expect(screen.getByText(/Operator OP-2/)).toBeTruthy();
    expect(screen.getByText(/OP-1 · Ana/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out OP-1' }));
    expect(onSignOut).toHaveBeenCalledWith('OP-1');
    rerender(
      <OperatorBar session={{ ...session, active: null }} onSignOut={onSignOut} onLock={() => undefined} />,
    );
    expect(screen.getByTestId('locked').textContent).toContain('scan your badge');
  });
});
