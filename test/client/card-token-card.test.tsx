// @vitest-environment happy-dom
/**
 * The token card as an operator meets it: the action that moves the token forward first and
 * filled, Scrap red and apart behind a confirmation and a short undo, the detail fields within
 * their length limits, and every word from the catalogue, in Thai too.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { languages } from '../../client/i18n/language';
import { ACTION_DETAIL } from '../../client/station/action-detail';
import { tokenState } from '../../client/station/local-view';
import { arrangeActions, primaryAction } from '../../client/station/primary-action';
import { TokenCard } from '../../client/ui/token-card';
import { TokenChoices, WorkList } from '../../client/ui/work-list';
import type { OperatorEventType } from '../../shared/domain';
import { indexGraph } from '../../shared/routing-graph';
import type { SnapshotToken } from '../../shared/station-api';
import { allowedActions } from '../../shared/token-machine';
import { loadGraph } from '../support/shared-fixtures';
import { qcTote } from './support/screen-fixtures';

afterEach(async () => {
  cleanup();
  await languages.use('en');
});

const graph = indexGraph(loadGraph('bag-dag'));

const tote = qcTote;

function card(
  token: SnapshotToken,
  props: Partial<Parameters<typeof TokenCard>[0]> = {},
): { onRecord: ReturnType<typeof vi.fn> } {
  const onRecord = vi.fn();
  render(
    <TokenCard
      token={token}
      actions={allowedActions(tokenState(token), graph)}
      pendingAction={null}
      onRecord={onRecord}
      onClose={() => undefined}
      {...props}
    />,
  );
  return { onRecord };
}

function buttonNames(): string[] {
  return screen.getAllByRole('button').map((b) => b.textContent ?? '');
}

describe('the action to press next', () => {
  it('ST-18: Start when ready, Complete when active, Resume when paused, QC pass at a QC node; never Scrap', () => {
    const at = (status: SnapshotToken['status'], nodeCode = 'CUT') =>
      primaryAction(allowedActions(tokenState(tote({ status, nodeCode })), graph));
    expect(at('ready')).toBe('start');
    expect(at('active')).toBe('complete');
    expect(at('paused')).toBe('resume');
    expect(at('active', 'QC-FINAL')).toBe('qc_pass');
    expect(at('completed')).toBeNull();
    expect(primaryAction(['scrap', 'note'])).toBeNull();
    expect(arrangeActions(['start', 'scrap', 'note'])).toEqual({
      primary: 'start',
      secondary: ['note'],
      danger: ['scrap'],
    });
  });

  it('ST-1, ST-18: the card says where the token is in words, puts the primary action first and Scrap on its own row', () => {
    card(tote());
    expect(screen.getByText('In progress at QC-FINAL')).toBeTruthy();
    expect(screen.getByText('Ticket DEMO-TOTE')).toBeTruthy();
    expect(buttonNames()).toEqual([
      'Close',
      'QC pass',
      'Pause',
      'QC fail',
      'Bind component',
      'Note',
      'Scrap',
    ]);
    expect(screen.getByRole('button', { name: 'QC pass' }).classList.contains('primary')).toBe(true);
    const scrap = screen.getByRole('button', { name: 'Scrap' });
    expect(scrap.classList.contains('danger')).toBe(true);
    expect(scrap.parentElement?.classList.contains('danger-row')).toBe(true);
    expect(scrap.parentElement).not.toBe(screen.getByRole('button', { name: 'Pause' }).parentElement);
  });
});

describe('scrap', () => {
  it('ST-18: Scrap asks first; Keep it goes back; Yes, scrap hands the scrap on', () => {
    const { onRecord } = card(tote());
    fireEvent.click(screen.getByRole('button', { name: 'Scrap' }));
    expect(onRecord).not.toHaveBeenCalled();
    expect(screen.getByRole('alertdialog').textContent).toBe(
      'Scrap BV-DEMO-0003? This cannot be undone after it is sent.Yes, scrapKeep it',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(onRecord).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Scrap' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, scrap' }));
    expect(onRecord).toHaveBeenCalledExactlyOnceWith('scrap', {});
  });

  it('ST-18: the scrap command opens on the question; a scrap in its undo window shows the countdown and Undo', () => {
    card(tote(), { pendingAction: 'scrap' });
    expect(screen.getByRole('button', { name: 'Yes, scrap' })).toBeTruthy();
    cleanup();
    const onUndo = vi.fn();
    card(tote(), { scrapping: { secondsLeft: 4 }, onUndo });
    expect(screen.getByTestId('scrap-undo').textContent).toContain('Scrapping BV-DEMO-0003…');
    expect(screen.queryByRole('button', { name: 'QC pass' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Undo (4 s)' }));
    expect(onUndo).toHaveBeenCalledTimes(1);
  });
});

describe('details', () => {
  it('ST-21: each detail field takes no more than its limit (reason 200, note 500, serial 128) and counts down near it', () => {
    const limits: [OperatorEventType, string, number][] = [
      ['qc_fail', 'Reason for the QC fail', 200],
      ['note', 'Note', 500],
      ['bind_component', 'Component serial', 128],
    ];
    for (const [action, label, max] of limits) {
      card(tote(), { pendingAction: action });
      const field = screen.getByLabelText<HTMLInputElement>(label);
      expect(field.maxLength).toBe(max);
      expect(ACTION_DETAIL[action]?.maxLength).toBe(max);
      fireEvent.input(field, { target: { value: 'x'.repeat(max - 10) } });
      expect(screen.getByText('10 characters left')).toBeTruthy();
      cleanup();
    }
  });

  it('ST-1: QC fail records its reason, trimmed; an empty reason records nothing', () => {
    const { onRecord } = card(tote());
    fireEvent.click(screen.getByRole('button', { name: 'QC fail' }));
    fireEvent.click(screen.getByRole('button', { name: 'Record QC fail' }));
    expect(onRecord).not.toHaveBeenCalled();
    fireEvent.input(screen.getByLabelText('Reason for the QC fail'), {
      target: { value: ' stitching loose ' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Record QC fail' }));
    expect(onRecord).toHaveBeenCalledWith('qc_fail', { reason: 'stitching loose' });
  });
});

describe('in Thai', () => {
  it('ST-13, ST-14: the card, its scrap question and the work list speak Thai', async () => {
    await languages.use('th');
    card(tote());
    await waitFor(() => expect(screen.getByText('กำลังทำ ที่ QC-FINAL')).toBeTruthy());
    expect(buttonNames()).toEqual([
      'ปิด',
      'QC ผ่าน',
      'หยุดชั่วคราว',
      'QC ไม่ผ่าน',
      'ผูกชิ้นส่วน',
      'บันทึกหมายเหตุ',
      'ทิ้งเป็นของเสีย',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'ทิ้งเป็นของเสีย' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('ทิ้ง BV-DEMO-0003 เป็นของเสียใช่ไหม?');
    cleanup();
    render(
      <WorkList tokens={[tote({ status: 'ready', nodeCode: 'CUT' })]} enabled onOpen={() => undefined} />,
    );
    expect(screen.getByRole('heading').textContent).toBe('งานที่สถานีนี้');
    expect(screen.getByRole('button').textContent).toBe('BV-DEMO-0003 · พร้อม ที่ CUT');
  });
});

describe('work list and choices', () => {
  it('ST-1, SC-6: rows name the token and where it is in words; a code here twice asks which one', () => {
    const onChoose = vi.fn();
    const branches = [tote({ id: 1, branch: null }), tote({ id: 2, branch: 'STRAP', status: 'paused' })];
    render(<TokenChoices tokens={branches} onChoose={onChoose} />);
    expect(screen.getByRole('heading').textContent).toBe('BV-DEMO-0003 is here more than once: which one?');
    expect(buttonNames()).toEqual([
      'BV-DEMO-0003 (main) · In progress at QC-FINAL',
      'BV-DEMO-0003 (STRAP) · Paused at QC-FINAL',
    ]);
    fireEvent.click(screen.getByRole('button', { name: /STRAP/ }));
    expect(onChoose).toHaveBeenCalledWith(branches[1]);
  });
});
