// @vitest-environment happy-dom
/**
 * The operators bar, the PIN prompt and the scan field as an operator meets them: a large
 * "Scan your badge" while nobody is signed in, an item scanned then called an item, the language
 * switch for the active operator, and every word from the catalogue, in Thai too.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { en } from '../../client/i18n/en';
import { languages } from '../../client/i18n/language';
import { th } from '../../client/i18n/th';
import { routeScan } from '../../client/scan/scan-router';
import { emptySession, signIn } from '../../client/station/operator-session';
import { OperatorBar, PinPrompt } from '../../client/ui/operator-bar';
import { ScanEntry } from '../../client/ui/scan-entry';
import { token } from './support/station-fixture';

afterEach(async () => {
  cleanup();
  vi.restoreAllMocks();
  localStorage.clear();
  await languages.use('en');
});

const two = signIn(signIn(emptySession(), { badge: 'OP-1', name: 'Ana' }), { badge: 'OP-2', name: 'Bo' });

describe('nobody signed in', () => {
  it('ST-20: a large "Scan your badge" stands above the field until someone is signed in', () => {
    const { rerender } = render(
      <ScanEntry signedIn={false} onScan={() => undefined} onCameraFailed={() => undefined} />,
    );
    const prompt = screen.getByTestId('badge-prompt');
    expect(prompt.textContent).toBe('Scan your badgeSign in with your badge to start work.');
    expect(prompt.getAttribute('role')).toBe('status');
    expect(screen.getByRole('textbox', { name: 'Scan or type your badge' })).toBeTruthy();
    rerender(<ScanEntry signedIn onScan={() => undefined} onCameraFailed={() => undefined} />);
    expect(screen.queryByTestId('badge-prompt')).toBeNull();
    expect(screen.getByRole('textbox', { name: 'Scan or type a code' })).toBeTruthy();
  });

  it('ST-20: an item scanned before sign-in is called an item, not an unknown badge, in both languages', () => {
    const before = {
      active: null,
      signedInCount: 0,
      card: null,
      operators: [],
      tokens: [token(1, { code: 'BT-0001' })],
    };
    const route = routeScan('BT-0001', before);
    if (route.kind !== 'refuse') throw new Error(`expected a refusal, got ${route.kind}`);
    expect(route.text(en)).toBe('Scan your badge first: BT-0001 is an item, not a badge');
    expect(route.text(th)).toBe('สแกนบัตรพนักงานก่อน: BT-0001 เป็นชิ้นงาน ไม่ใช่บัตรพนักงาน');
  });
});

describe('the operators bar', () => {
  it('ST-3: every signed-in operator with Sign out, the active one named as such, Lock; locked says to scan a badge', () => {
    const onSignOut = vi.fn();
    const { rerender } = render(<OperatorBar session={two} onSignOut={onSignOut} onLock={() => undefined} />);
    expect(screen.getByText('Operator OP-2 · Bo')).toBeTruthy();
    expect(screen.getByText('OP-1 · Ana')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out OP-1' }));
    expect(onSignOut).toHaveBeenCalledWith('OP-1');
    expect(screen.getByRole('button', { name: 'Lock' })).toBeTruthy();
    rerender(
      <OperatorBar session={{ ...two, active: null }} onSignOut={onSignOut} onLock={() => undefined} />,
    );
    expect(screen.getByTestId('locked').textContent).toBe('Locked: scan your badge');
    expect(screen.queryByRole('group', { name: 'Language' })).toBeNull();
  });

  it('ST-14: the active operator switches the language; by default it is remembered with their badge', async () => {
    const onLanguage = vi.fn();
    render(
      <OperatorBar
        session={two}
        onSignOut={() => undefined}
        onLock={() => undefined}
        onLanguage={onLanguage}
      />,
    );
    const group = screen.getByRole('group', { name: 'Language' });
    expect(group.textContent).toBe('ไทยEnglish');
    expect(screen.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'ไทย' }));
    expect(onLanguage).toHaveBeenCalledWith('OP-2', 'th');
    cleanup();

    const choose = vi.spyOn(languages, 'choose');
    render(<OperatorBar session={two} onSignOut={() => undefined} onLock={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'ไทย' }));
    expect(choose).toHaveBeenCalledWith('OP-2', 'th');
    await choose.mock.results[0]?.value;
    expect(languages.operatorChoice('OP-2')).toBe('th');
    expect(await screen.findByText('ใช้งานอยู่: OP-2 · Bo')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'ไทย' }).getAttribute('aria-pressed')).toBe('true');
  });
});

describe('the PIN prompt', () => {
  it('ST-3, ST-13: asks for the PIN by name and shows the wrong-PIN error from the catalogue, in Thai too', async () => {
    const onSubmit = vi.fn();
    const { rerender } = render(
      <PinPrompt
        badge="OP-6"
        name="Pia"
        error={(t) => t.operator.wrongPin}
        onSubmit={onSubmit}
        onCancel={() => undefined}
      />,
    );
    expect(screen.getByText('Pia (OP-6): type your PIN')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('Wrong PIN');
    fireEvent.input(screen.getByLabelText('PIN'), { target: { value: '4711' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(onSubmit).toHaveBeenCalledWith('4711');
    await languages.use('th');
    rerender(
      <PinPrompt
        badge="OP-6"
        name="Pia"
        error={(t) => t.operator.wrongPin}
        onSubmit={onSubmit}
        onCancel={() => undefined}
      />,
    );
    expect(await screen.findByText('Pia (OP-6): ใส่รหัส PIN')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('รหัส PIN ไม่ถูกต้อง');
    expect(screen.getByRole('button', { name: 'เข้าสู่ระบบ' })).toBeTruthy();
  });

  it('ST-13, ST-14: in Thai the badge prompt and the field speak Thai', async () => {
    await languages.use('th');
    render(<ScanEntry signedIn={false} onScan={() => undefined} onCameraFailed={() => undefined} />);
    expect(screen.getByTestId('badge-prompt').textContent).toContain('สแกนบัตรพนักงาน');
    expect(screen.getByRole('textbox', { name: 'สแกนหรือพิมพ์รหัสบัตรพนักงาน' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'กล้อง' })).toBeTruthy();
  });
});
