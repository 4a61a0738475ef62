/** @module The frame of the console's account forms (sign-in, a new site's first admin): sent once at a time. */
import type { ComponentChildren } from 'preact';

export function AccountForm(props: { busy: boolean; onSubmit: () => void; children: ComponentChildren }) {
  return (
    <main class="sign-in">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!props.busy) props.onSubmit();
        }}
      >
        {props.children}
      </form>
    </main>
  );
}
