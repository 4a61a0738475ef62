/**
 * The operator session model: badges sign in, PINs are checked on the tablet (station/pin.ts,
 * against the edge server's own hashes), five wrong PINs lock a badge out for a minute, Lock and
 * five idle minutes lock the station, and a reload keeps the list, locked.
 */
import { describe, expect, it, vi } from 'vitest';
import { OperatorSessionModel } from '../../client/models/operator-session-model';
import { FeedbackModel } from '../../client/models/feedback-model';
import { hashPin } from '../../edge-server/auth/secrets';
import { en } from '../../client/i18n/en';
import { MemoryStorage } from './support/station-fixture';

const pinHash = hashPin('4711');
const ana = { badge: 'OP-1', name: 'Ana', pinHash: null };
const pia = { badge: 'OP-6', name: 'Pia', pinHash };

function model(
  options: { storage?: MemoryStorage; verifyPin?: (pin: string, hash: string) => Promise<boolean> } = {},
) {
  const clock = { nowMs: 1_000_000 };
  const storage = options.storage ?? new MemoryStorage();
  const signal = vi.fn();
  const feedback = new FeedbackModel(signal);
  const session = new OperatorSessionModel({
    storage,
    now: () => clock.nowMs,
    feedback,
    ...(options.verifyPin ? { verifyPin: options.verifyPin } : {}),
  });
  return { clock, storage, signal, feedback, session };
}

/** What the screen says now, in English: kind and words. */
function said(feedback: FeedbackModel) {
  const message = feedback.get().message;
  return message && { kind: message.kind, text: message.text(en) };
}

/** The PIN prompt's error, in English. */
function pinError(m: ReturnType<typeof model>) {
  return m.session.get().pinError?.(en) ?? null;
}

describe('the operator session model', () => {
  it('ST-3: a badge without a PIN signs in and is active; the same badge again is only noted; another becomes active', () => {
    const m = model();
    m.session.badge(ana);
    expect(m.session.get()).toEqual({
      session: { signedIn: [{ badge: 'OP-1', name: 'Ana' }], active: 'OP-1', failures: {} },
      pinFor: null,
      pinError: null,
    });
    expect(said(m.feedback)).toEqual({ kind: 'info', text: 'Ana (OP-1) signed in' });
    m.session.badge(ana);
    expect(said(m.feedback)).toEqual({ kind: 'duplicate', text: 'OP-1 is already signed in' });
    expect(m.signal).not.toHaveBeenCalled();
    m.session.badge({ badge: 'OP-2', name: 'Bo', pinHash: null });
    expect(m.session.active()).toEqual({ badge: 'OP-2', name: 'Bo' });
    m.session.signOut('OP-2');
    expect(m.session.get().session).toMatchObject({ active: null, signedIn: [{ badge: 'OP-1' }] });
    expect(said(m.feedback)).toEqual({ kind: 'info', text: 'Bo (OP-2) signed out' });
  });

  it('ST-3: a badge with a PIN asks for it; the right PIN, checked offline against the edge server’s hash, signs in', async () => {
    const m = model();
    m.session.badge(pia);
    expect(m.session.get()).toMatchObject({
      pinFor: { badge: 'OP-6', name: 'Pia', hash: pinHash },
      pinError: null,
    });
    expect(m.session.active()).toBeNull();
    await m.session.submitPin('4712');
    expect(m.session.get()).toMatchObject({ pinFor: { badge: 'OP-6' } });
    expect(pinError(m)).toBe('Wrong PIN');
    expect(m.signal).toHaveBeenLastCalledWith('refused');
    await m.session.submitPin('4711');
    expect(m.session.get()).toMatchObject({ pinFor: null, session: { active: 'OP-6', failures: {} } });
    expect(said(m.feedback)).toEqual({ kind: 'info', text: 'Pia (OP-6) signed in' });
  });

  it('ST-3: five wrong PINs lock the badge out for a minute; then it may try again', async () => {
    const m = model({ verifyPin: (pin) => Promise.resolve(pin === '4711') });
    m.session.badge(pia);
    for (let i = 0; i < 4; i++) await m.session.submitPin('0000');
    expect(pinError(m)).toBe('Wrong PIN');
    await m.session.submitPin('0000');
    expect(m.session.get().pinFor).toBeNull();
    expect(said(m.feedback)).toEqual({
      kind: 'refused',
      text: 'Too many wrong PINs for OP-6: wait a minute',
    });
    m.clock.nowMs += 20_000;
    m.session.badge(pia);
    expect(said(m.feedback)).toEqual({
      kind: 'refused',
      text: 'Too many wrong PINs for OP-6: try again in 40 s',
    });
    expect(m.session.get().pinFor).toBeNull();
    m.clock.nowMs += 40_000;
    m.session.badge(pia);
    expect(m.session.get().pinFor).toMatchObject({ badge: 'OP-6' });
    await m.session.submitPin('4711');
    expect(m.session.active()?.badge).toBe('OP-6');
  });

  it('ST-8: a PIN that cannot be checked is not a wrong PIN: it says so and counts nothing', async () => {
    const m = model({ verifyPin: () => Promise.reject(new Error('chunk failed to load')) });
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    m.session.badge(pia);
    await m.session.submitPin('4711');
    expect(m.session.get()).toMatchObject({ pinFor: { badge: 'OP-6' } });
    expect(pinError(m)).toBe('The PIN could not be checked. Try again, or tell your supervisor.');
    expect(m.session.get().session.failures).toEqual({});
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
    m.session.cancelPin();
    expect(m.session.get().pinFor).toBeNull();
  });

  it('ST-3: Lock, and five minutes without a touch, lock the station; the operators stay signed in', () => {
    const m = model();
    m.session.badge(ana);
    m.session.lock();
    expect(m.session.get().session).toMatchObject({ active: null, signedIn: [{ badge: 'OP-1' }] });
    m.session.badge(ana);
    m.clock.nowMs += 4 * 60_000;
    m.session.touch();
    m.clock.nowMs += 4 * 60_000;
    m.session.lockIfIdle();
    expect(m.session.active()?.badge).toBe('OP-1');
    m.clock.nowMs += 60_000;
    m.session.lockIfIdle();
    expect(m.session.get().session).toMatchObject({ active: null, signedIn: [{ badge: 'OP-1' }] });
  });

  it('ST-9: a reload keeps the list, with nobody active', () => {
    const m = model();
    m.session.badge(ana);
    m.session.badge({ badge: 'OP-2', name: 'Bo', pinHash: null });
    const reloaded = model({ storage: m.storage });
    expect(reloaded.session.get().session).toEqual({
      signedIn: [
        { badge: 'OP-1', name: 'Ana' },
        { badge: 'OP-2', name: 'Bo' },
      ],
      active: null,
      failures: {},
    });
  });
});
