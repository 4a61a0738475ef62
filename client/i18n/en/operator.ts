/**
 * The operator part of the English catalogue (the source: Thai is typed from it): signing in and
 * out, the PIN, the lock, the scan field and the camera panel, and what a scan said before anyone
 * was signed in.
 */
export const operator = {
  scanBadge: 'Scan your badge',
  scanBadgeHint: 'Sign in with your badge to start work.',
  fieldBadge: 'Scan or type your badge',
  fieldCode: 'Scan or type a code',
  ok: 'OK',
  camera: 'Camera',
  operators: 'Operators',
  active: (p: { badge: string; name: string }) => `Operator ${p.badge} · ${p.name}`,
  other: (p: { badge: string; name: string }) => `${p.badge} · ${p.name}`,
  signOut: 'Sign out',
  signOutWho: (p: { badge: string }) => `Sign out ${p.badge}`,
  lock: 'Lock',
  locked: 'Locked: scan your badge',
  pinPrompt: (p: { name: string; badge: string }) => `${p.name} (${p.badge}): type your PIN`,
  pin: 'PIN',
  signIn: 'Sign in',
  cancel: 'Cancel',
  wrongPin: 'Wrong PIN',
  pinUnchecked: 'The PIN could not be checked. Try again, or tell your supervisor.',
  lockedOutFor: (p: { badge: string; seconds: number }) =>
    `Too many wrong PINs for ${p.badge}: try again in ${p.seconds} s`,
  lockedOutMinute: (p: { badge: string }) => `Too many wrong PINs for ${p.badge}: wait a minute`,
  signedIn: (p: { name: string; badge: string }) => `${p.name} (${p.badge}) signed in`,
  signedOut: (p: { name: string; badge: string }) => `${p.name} (${p.badge}) signed out`,
  alreadySignedIn: (p: { badge: string }) => `${p.badge} is already signed in`,
  badgeFirst: 'Scan your badge first',
  /** A known item scanned while nobody is signed in (or the station is locked). */
  itemNotBadge: (p: { code: string }) => `Scan your badge first: ${p.code} is an item, not a badge`,
  /** The same while others are signed in but the station is locked. */
  lockedItem: (p: { code: string }) =>
    `The station is locked: scan your badge first (${p.code} is an item, not a badge)`,
  stationLocked: 'The station is locked: scan your badge',
  unknownCode: (p: { code: string }) =>
    `${p.code} is neither a badge nor an item known here. Scan your badge.`,
  cameraPanel: {
    label: 'Camera scanner',
    lens: 'Camera lens',
    torch: 'Torch',
    close: 'Close',
    closeLabel: 'Close camera',
    retry: 'Retry',
    starting: 'Starting the camera…',
    paused: 'Camera paused while the app was hidden.',
    denied:
      'Camera permission is denied. Allow the camera for this site in the browser settings, or scan with the hand scanner.',
    noCamera: 'No camera found on this device.',
    insecure: 'The camera needs a secure (https) connection to the edge server.',
    stopped: 'The camera stopped.',
    couldNotStart: (p: { message: string }) => `The camera could not start: ${p.message}`,
    noDecoder: (p: { why: string }) => `No barcode decoder could be loaded (${p.why}).`,
    decoderFailed: (p: { message: string }) => `The barcode decoder failed: ${p.message}`,
    read: (p: { code: string }) => `Read ${p.code}`,
    loadingDecoder: 'Loading the barcode decoder',
    /** A decoder (its product name) reading frames in a Web Worker, off the page's thread. */
    inWorker: (p: { name: string }) => `${p.name} (worker)`,
    stats: (p: { decoder: string; rate: string; ms: number }) =>
      `${p.decoder} · ${p.rate} attempts/s · ${p.ms} ms`,
  },
};
