// @vitest-environment happy-dom
/**
 * Models in Preact: a component reading a model through useModel renders again after each change
 * (also one made between its first render and its subscription) and stops listening when it goes;
 * the scan field hands on what was typed.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Model } from '../../client/state/model';
import { useModel } from '../../client/state/use-model';
import { ScanEntry } from '../../client/ui/scan-entry';

afterEach(cleanup);

class Counter extends Model<{ n: number }> {
  constructor() {
    super({ n: 0 });
  }
  increment(): void {
    this.patch({ n: this.get().n + 1 });
  }
}

function Shown({ counter }: { counter: Counter }) {
  const { n } = useModel(counter);
  return <p data-testid="n">{n}</p>;
}

describe('useModel', () => {
  it('ST-10: renders again after each change of the model, and unsubscribes on unmount', async () => {
    const counter = new Counter();
    const listeners = vi.spyOn(counter, 'subscribe');
    const { unmount } = render(<Shown counter={counter} />);
    expect(screen.getByTestId('n').textContent).toBe('0');
    await act(() => {
      counter.increment();
      counter.increment();
    });
    expect(screen.getByTestId('n').textContent).toBe('2');
    expect(listeners).toHaveBeenCalledTimes(1);
    unmount();
    expect(() => counter.increment()).not.toThrow();
  });

  it('ST-10: listeners hear each change, with the new state, until they stop', () => {
    const counter = new Counter();
    const heard = vi.fn();
    const stop = counter.subscribe(heard);
    counter.increment();
    stop();
    counter.increment();
    expect(heard).toHaveBeenCalledTimes(1);
    expect(heard).toHaveBeenCalledWith({ n: 1 });
  });
});

describe('scan field', () => {
  it('SC-11: asks for a badge until someone is signed in, then for a code; hands on the trimmed text and clears', () => {
    const onScan = vi.fn();
    const { rerender } = render(
      <ScanEntry signedIn={false} onScan={onScan} onCameraFailed={() => undefined} />,
    );
    expect(screen.getByRole('textbox').getAttribute('placeholder')).toBe('Scan or type your badge');
    rerender(<ScanEntry signedIn onScan={onScan} onCameraFailed={() => undefined} />);
    const field = screen.getByRole('textbox', { name: 'Scan or type a code' });
    fireEvent.input(field, { target: { value: '  BV-DEMO-0001 ' } });
    fireEvent.click(screen.getByRole('button', { name: 'OK' }));
    expect(onScan).toHaveBeenCalledWith('BV-DEMO-0001');
    expect((field as HTMLInputElement).value).toBe('');
    fireEvent.click(screen.getByRole('button', { name: 'OK' }));
    expect(onScan).toHaveBeenCalledTimes(1);
  });
});
