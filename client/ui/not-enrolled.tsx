/** @module The screen of a browser that is not a station yet, with why its enrollment link failed. */
export function NotEnrolled({ problem }: { problem: string | null }) {
  return (
    <main class="screen">
      <h1>Scan station</h1>
      {problem ? (
        <p class="message refused" role="alert">
          {problem}
        </p>
      ) : null}
      <p class="notice">This tablet is not enrolled. Open the enrollment link from your supervisor.</p>
    </main>
  );
}
