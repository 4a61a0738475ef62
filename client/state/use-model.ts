/** @module A model's state in a Preact component: the component renders again after each change. */
import { useEffect, useState } from 'preact/hooks';
import type { Model } from './model';

export function useModel<S>(model: Model<S>): S {
  const state = model.get();
  const [, setRenders] = useState(0);
  useEffect(() => {
    const rerender = () => setRenders((n) => n + 1);
    if (model.get() !== state) rerender(); // it changed between the render and this subscription
    return model.subscribe(rerender);
  }, [model]);
  return state;
}
