/** The pages part of the English catalogue (the source: Thai is typed from it): enrollment and the command barcodes. */
export const pages = {
  appName: 'Scan station',
  notEnrolled: {
    heading: 'This tablet is not a station yet',
    instruction: 'Open the enrollment link from your supervisor on this tablet.',
    enrolling: 'Enrolling this tablet…',
    /** The link's one-time code was refused: used before, unknown, or expired (the server says NOT_FOUND). */
    linkUsed: 'This enrollment link was already used or has expired. Ask your supervisor for a new one.',
    unreachable: 'The edge server cannot be reached to enroll this tablet. Open the link again when online.',
    refused: (p: { status: number }) =>
      `The edge server refused the enrollment link (HTTP ${p.status}). Ask your supervisor for a new one.`,
  },
  commands: {
    heading: 'Command barcodes',
    intro:
      'Scan a tote, then one of these cards, to record without touching the screen. QC fail, Note and Bind component then ask for their details.',
    print: 'Print',
    back: 'Back to the station',
    close: 'Close card',
    lock: 'Lock station',
    /** The accessible name of a card's barcode: what it does and the text it carries. */
    barcode: (p: { label: string; text: string }) => `Barcode for ${p.label} (${p.text})`,
    loadFailed: 'The command barcodes could not be loaded. Check the connection and reload the page.',
  },
};
