/**
 * @module The console's words for the exceptions inbox (English, the source, and Thai typed from it:
 * a missing key or a wrong placeholder is a type error). Each problem code (shared/exceptions-api.ts
 * PROBLEM_CODES) and each reason code (shared/reason-codes.ts) has a sentence here written for the
 * supervisor: the station's reason texts (client/i18n/en/reasons.ts) speak to the operator ("a
 * supervisor will decide") and would read wrongly on the console.
 */
import type { SystemEventType } from '../../../../shared/domain';
import type { ProblemKind, ResolveAction } from '../../../../shared/exceptions-api';
import type { EventReasonCode } from '../../../../shared/reason-codes';
import { plural } from '../../../i18n/plural';

type Reasons = Record<EventReasonCode | 'UPSTREAM_REFUSED', string>;

const reasonsEn = {
  INVALID_EVENT: 'The station sent an event the server cannot read.',
  IDEMPOTENCY_KEY_REUSED: 'Another event already used this event’s number.',
  UNKNOWN_CODE: 'The serial is not known on this site.',
  NODE_NOT_SERVED: 'The station does not do this step.',
  UNKNOWN_OPERATOR: 'The operator’s badge is not known.',
  ACTION_NOT_ALLOWED_HERE: 'This action cannot be recorded at this step.',
  NOT_AT_NODE: 'The item was not at this step when the scan arrived.',
  WRONG_STATUS: 'The item was not in a state that allows this action.',
  WAITING_FOR_EARLIER_EVENT: 'An earlier scan from the same station has not arrived yet.',
  TOKEN_FINISHED: 'The item is already finished or scrapped.',
  NODE_PASSED: 'The item has already passed this step.',
  QTY_EXCEEDS: 'The quantity is more than the batch holds.',
  NO_MATCHING_RULE: 'The routing has no next step for this result.',
  PARKING_EXPIRED: 'The scan waited for its item too long and never fitted.',
  UPSTREAM_REFUSED: 'The upstream system refused the record.',
} satisfies Reasons;

export const inboxEn = {
  heading: 'Exceptions',
  tabs: { label: 'Exceptions views', problems: 'Problems', audit: 'Audit log' },
  filters: {
    heading: 'Filter problems',
    state: 'State',
    kind: 'Kind',
    allKinds: 'All kinds',
    states: {
      active: 'Open and acknowledged',
      open: 'Open',
      acknowledged: 'Acknowledged',
      resolved: 'Resolved',
    },
  },
  kinds: {
    conflict: 'Conflicts',
    parked: 'Waiting too long',
    dead_letter: 'Refused upstream',
    refused: 'Refused at a station',
  } satisfies Record<ProblemKind, string>,
  /** One problem's kind, above its headline. */
  kind: {
    conflict: 'Conflict',
    parked: 'Waiting too long',
    dead_letter: 'Refused upstream',
    refused: 'Refused at a station',
  } satisfies Record<ProblemKind, string>,
  /** Events the edge server records itself (a dead letter's record may be one); a station's are t.words.action. */
  systemEvents: {
    spawn: 'Created',
    enter: 'Arrived',
    route: 'Routed',
    split: 'Split',
    join: 'Joined',
    move: 'Moved by a supervisor',
    resolve: 'Decision recorded',
  } satisfies Record<SystemEventType, string>,
  /** The headline of a problem, by its code. */
  codes: {
    EVENT_CONFLICT: 'A scan cannot apply: it needs your decision',
    EVENT_PARKED_LONG: (p: { minutes: number }) =>
      `A scan has waited more than ${p.minutes} ${plural(p.minutes, { one: 'minute', other: 'minutes' })} for its item`,
    UPSTREAM_DEAD_LETTER: 'The upstream system refused a record for good',
    EVENT_REFUSED: 'A station’s scan was refused',
    unknown: (p: { code: string }) => `Problem ${p.code}`,
  },
  /** What can be done about it, by code. */
  help: {
    EVENT_CONFLICT:
      'Apply it anyway (the item moves as the scan says) or discard the scan (it never applies).',
    EVENT_PARKED_LONG: (p: { until: string }) =>
      `It applies by itself once the item reaches this step. Otherwise it becomes a conflict at ${p.until}.`,
    EVENT_PARKED_LONG_NO_END: 'It applies by itself once the item reaches this step.',
    UPSTREAM_DEAD_LETTER: (p: { attempts: number }) =>
      `It applied here; sending it on failed after ${p.attempts} ${plural(p.attempts, { one: 'attempt', other: 'attempts' })}. Send it again once the upstream system is fixed.`,
    EVENT_REFUSED: 'Fix it at the station and send it again from there.',
  },
  reasons: reasonsEn,
  reasonUnknown: (p: { message: string }) => `Why: ${p.message}`,
  upstreamSaid: (p: { message: string }) => `The upstream system said: ${p.message}`,
  event: {
    what: (p: { type: string; serial: string }) => `${p.type} of ${p.serial}`,
    at: (p: { node: string }) => `at step ${p.node}`,
    station: (p: { station: string }) => `station ${p.station}`,
    operator: (p: { badge: string }) => `operator ${p.badge}`,
    deviceTime: (p: { time: string }) => `scanned ${p.time} (device clock)`,
    none: 'The scan itself is no longer kept.',
  },
  token: {
    now: (p: { where: string }) => `Item now: ${p.where}`,
    ticket: (p: { ticket: string }) => `ticket ${p.ticket}`,
    by: (p: { operator: string }) => `by ${p.operator}`,
    branch: (p: { branch: string; where: string }) => `Part ${p.branch}: ${p.where}`,
    none: 'Its item is no longer known.',
  },
  openFor: (p: { duration: string }) => `Open for ${p.duration}`,
  state: {
    open: 'Open: nobody has taken it up',
    acknowledged: (p: { who: string; time: string }) => `Acknowledged by ${p.who} at ${p.time}`,
    resolved: (p: { who: string; time: string; outcome: string }) =>
      `Resolved by ${p.who} at ${p.time}: ${p.outcome}`,
    system: 'the system',
    reason: (p: { reason: string }) => `Reason given: “${p.reason}”`,
  },
  outcomes: {
    applied: 'applied anyway',
    discarded: 'discarded',
    resent: 'sent again',
    released: 'applied by itself',
    acknowledged: 'acknowledged',
  } as Record<string, string>,
  actions: {
    acknowledge: 'I’m on it',
    apply: 'Apply anyway…',
    discard: 'Discard…',
    resend: 'Send again…',
  },
  form: {
    reason: 'Why? (goes into the audit log)',
    hint: (p: { min: number }) => `At least ${p.min} characters.`,
    short: (p: { min: number }) => `Write at least ${p.min} characters saying why before sending.`,
    long: (p: { max: number }) => `Keep it under ${p.max} characters.`,
    next: 'Next',
    send: { apply: 'Apply anyway', discard: 'Discard', resend: 'Send again' } satisfies Record<
      ResolveAction,
      string
    >,
    confirm: {
      apply: (p: { serial: string }) =>
        `Apply this scan to ${p.serial} anyway? The item moves as the scan says.`,
      discard: (p: { serial: string }) => `Discard this scan of ${p.serial} for good? It will never apply.`,
    },
    yes: { apply: 'Yes, apply anyway', discard: 'Yes, discard' },
    back: 'Back',
    cancel: 'Cancel',
    sending: 'Sending…',
  },
  notice: {
    acknowledged: 'You are on it: other supervisors see your name on it.',
    applied: (p: { where: string }) => `Applied anyway. Item now: ${p.where}.`,
    appliedNoToken: 'Applied anyway.',
    discarded: 'Discarded: the scan will not apply.',
    resent: 'Sent again to the upstream system.',
    takenResolved: (p: { who: string; time: string; outcome: string }) =>
      `Already resolved by ${p.who} at ${p.time} (${p.outcome}). Nothing was changed; the list is up to date.`,
    takenAcknowledged: (p: { who: string; time: string }) =>
      `${p.who} took this up at ${p.time} and is working on it.`,
    taken: 'Someone else acted on this first. The list is up to date.',
    unreachable: 'The edge server did not answer. Try again.',
    forbidden: 'Your account may not do this.',
    gone: 'This problem is no longer in the inbox.',
    refused: (p: { message: string }) => `The server refused: ${p.message}`,
    dismiss: 'Dismiss',
  },
  justNow: 'Just now',
  loading: 'Loading problems…',
  failed: 'Could not load the problems. Trying again…',
  empty: {
    active: 'No open problems. Nothing needs you now.',
    open: 'No open problems that nobody has taken up.',
    acknowledged: 'No problem is being worked on.',
    resolved: 'Nothing resolved yet.',
  },
  shown: (p: { n: number }) => `${p.n} ${plural(p.n, { one: 'problem', other: 'problems' })} shown`,
  showMore: 'Show more',
  loadingMore: 'Loading more…',
  parkedNote: (p: { minutes: number }) =>
    `Scans waiting for their item are listed after ${p.minutes} ${plural(p.minutes, { one: 'minute', other: 'minutes' })}.`,
  audit: {
    heading: 'Audit log',
    when: 'When',
    who: 'Who',
    what: 'What',
    why: 'Why',
    outcome: 'Outcome',
    actions: {
      acknowledge: 'Took up',
      apply: 'Applied anyway',
      discard: 'Discarded',
      resend: 'Sent again',
    },
    problem: {
      conflict: (p: { id: number }) => `conflict ${p.id}`,
      parked: (p: { id: number }) => `waiting scan ${p.id}`,
      dead_letter: (p: { id: number }) => `refused record ${p.id}`,
      refused: (p: { id: number }) => `refused scan ${p.id}`,
    },
    tokenAfter: (p: { where: string }) => `item now: ${p.where}`,
    noReason: '—',
    empty: 'No action recorded yet.',
    loading: 'Loading the audit log…',
    failed: 'Could not load the audit log. Trying again…',
  },
};

export const inboxTh: typeof inboxEn = {
  heading: 'รายการปัญหา',
  tabs: { label: 'มุมมองรายการปัญหา', problems: 'ปัญหา', audit: 'บันทึกการตรวจสอบ' },
  filters: {
    heading: 'กรองปัญหา',
    state: 'สถานะ',
    kind: 'ประเภท',
    allKinds: 'ทุกประเภท',
    states: {
      active: 'เปิดอยู่และรับเรื่องแล้ว',
      open: 'เปิดอยู่',
      acknowledged: 'รับเรื่องแล้ว',
      resolved: 'แก้ไขแล้ว',
    },
  },
  kinds: {
    conflict: 'ข้อมูลขัดแย้ง',
    parked: 'รอนานเกินไป',
    dead_letter: 'ระบบต้นทางไม่รับ',
    refused: 'สถานีไม่รับ',
  },
  kind: {
    conflict: 'ข้อมูลขัดแย้ง',
    parked: 'รอนานเกินไป',
    dead_letter: 'ระบบต้นทางไม่รับ',
    refused: 'สถานีไม่รับ',
  },
  systemEvents: {
    spawn: 'สร้าง',
    enter: 'เข้าขั้นตอน',
    route: 'กำหนดเส้นทาง',
    split: 'แยกชิ้นส่วน',
    join: 'รวมชิ้นส่วน',
    move: 'หัวหน้างานย้าย',
    resolve: 'บันทึกการตัดสินใจ',
  },
  codes: {
    EVENT_CONFLICT: 'การสแกนบันทึกไม่ได้ ต้องให้คุณตัดสินใจ',
    EVENT_PARKED_LONG: (p) => `การสแกนรอชิ้นงานมานานกว่า ${p.minutes} นาที`,
    UPSTREAM_DEAD_LETTER: 'ระบบต้นทางปฏิเสธรายการนี้ถาวร',
    EVENT_REFUSED: 'การสแกนของสถานีถูกปฏิเสธ',
    unknown: (p) => `ปัญหา ${p.code}`,
  },
  help: {
    EVENT_CONFLICT: 'บันทึกต่อไปเลย (ชิ้นงานย้ายตามที่สแกน) หรือยกเลิกการสแกน (จะไม่ถูกบันทึกอีก)',
    EVENT_PARKED_LONG: (p) => `จะบันทึกเองเมื่อชิ้นงานมาถึงขั้นตอนนี้ ถ้าไม่มาถึงจะกลายเป็นข้อมูลขัดแย้งเวลา ${p.until}`,
    EVENT_PARKED_LONG_NO_END: 'จะบันทึกเองเมื่อชิ้นงานมาถึงขั้นตอนนี้',
    UPSTREAM_DEAD_LETTER: (p) => `บันทึกที่นี่แล้ว แต่ส่งต่อไม่สำเร็จหลังลอง ${p.attempts} ครั้ง ส่งใหม่เมื่อระบบต้นทางแก้ไขแล้ว`,
    EVENT_REFUSED: 'แก้ไขที่สถานี แล้วส่งใหม่จากสถานีนั้น',
  },
  reasons: {
    INVALID_EVENT: 'สถานีส่งรายการที่เซิร์ฟเวอร์อ่านไม่ได้',
    IDEMPOTENCY_KEY_REUSED: 'มีรายการอื่นใช้หมายเลขนี้ไปแล้ว',
    UNKNOWN_CODE: 'ไม่รู้จักซีเรียลนี้ในโรงงานนี้',
    NODE_NOT_SERVED: 'สถานีนี้ไม่ได้ทำขั้นตอนนี้',
    UNKNOWN_OPERATOR: 'ไม่รู้จักบัตรพนักงานนี้',
    ACTION_NOT_ALLOWED_HERE: 'บันทึกการทำงานนี้ที่ขั้นตอนนี้ไม่ได้',
    NOT_AT_NODE: 'ชิ้นงานยังไม่อยู่ที่ขั้นตอนนี้ตอนที่การสแกนมาถึง',
    WRONG_STATUS: 'สถานะของชิ้นงานไม่เปิดให้ทำงานนี้',
    WAITING_FOR_EARLIER_EVENT: 'การสแกนก่อนหน้าจากสถานีเดียวกันยังมาไม่ถึง',
    TOKEN_FINISHED: 'ชิ้นงานเสร็จหรือถูกทิ้งไปแล้ว',
    NODE_PASSED: 'ชิ้นงานผ่านขั้นตอนนี้ไปแล้ว',
    QTY_EXCEEDS: 'จำนวนเกินกว่าที่ล็อตมี',
    NO_MATCHING_RULE: 'เส้นทางการผลิตไม่มีขั้นตอนต่อไปสำหรับผลนี้',
    PARKING_EXPIRED: 'การสแกนรอชิ้นงานนานเกินไปและไม่เข้าเงื่อนไขเลย',
    UPSTREAM_REFUSED: 'ระบบต้นทางไม่รับรายการนี้',
  },
  reasonUnknown: (p) => `สาเหตุ: ${p.message}`,
  upstreamSaid: (p) => `ระบบต้นทางแจ้งว่า: ${p.message}`,
  event: {
    what: (p) => `${p.type} ${p.serial}`,
    at: (p) => `ที่ขั้นตอน ${p.node}`,
    station: (p) => `สถานี ${p.station}`,
    operator: (p) => `พนักงาน ${p.badge}`,
    deviceTime: (p) => `สแกนเมื่อ ${p.time} (นาฬิกาของเครื่อง)`,
    none: 'ไม่มีข้อมูลการสแกนนี้แล้ว',
  },
  token: {
    now: (p) => `ชิ้นงานตอนนี้: ${p.where}`,
    ticket: (p) => `ใบสั่งงาน ${p.ticket}`,
    by: (p) => `โดย ${p.operator}`,
    branch: (p) => `ชิ้นส่วน ${p.branch}: ${p.where}`,
    none: 'ไม่พบชิ้นงานนี้แล้ว',
  },
  openFor: (p) => `เปิดมาแล้ว ${p.duration}`,
  state: {
    open: 'เปิดอยู่: ยังไม่มีใครรับเรื่อง',
    acknowledged: (p) => `${p.who} รับเรื่องเมื่อ ${p.time}`,
    resolved: (p) => `${p.who} แก้ไขเมื่อ ${p.time}: ${p.outcome}`,
    system: 'ระบบ',
    reason: (p) => `เหตุผลที่ให้ไว้: “${p.reason}”`,
  },
  outcomes: {
    applied: 'บันทึกต่อไปแล้ว',
    discarded: 'ยกเลิกแล้ว',
    resent: 'ส่งใหม่แล้ว',
    released: 'บันทึกเองแล้ว',
    acknowledged: 'รับเรื่องแล้ว',
  },
  actions: {
    acknowledge: 'ฉันรับเรื่องนี้',
    apply: 'บันทึกต่อไปเลย…',
    discard: 'ยกเลิกการสแกน…',
    resend: 'ส่งใหม่…',
  },
  form: {
    reason: 'เหตุผล (บันทึกลงบันทึกการตรวจสอบ)',
    hint: (p) => `อย่างน้อย ${p.min} ตัวอักษร`,
    short: (p) => `เขียนเหตุผลอย่างน้อย ${p.min} ตัวอักษรก่อนส่ง`,
    long: (p) => `เขียนไม่เกิน ${p.max} ตัวอักษร`,
    next: 'ถัดไป',
    send: { apply: 'บันทึกต่อไปเลย', discard: 'ยกเลิกการสแกน', resend: 'ส่งใหม่' },
    confirm: {
      apply: (p) => `บันทึกการสแกนนี้ให้ ${p.serial} ต่อไปเลยไหม ชิ้นงานจะย้ายตามที่สแกน`,
      discard: (p) => `ยกเลิกการสแกน ${p.serial} นี้ถาวรไหม จะไม่ถูกบันทึกอีก`,
    },
    yes: { apply: 'ใช่ บันทึกต่อไปเลย', discard: 'ใช่ ยกเลิก' },
    back: 'ย้อนกลับ',
    cancel: 'ยกเลิก',
    sending: 'กำลังส่ง…',
  },
  notice: {
    acknowledged: 'คุณรับเรื่องนี้แล้ว หัวหน้างานคนอื่นจะเห็นชื่อของคุณ',
    applied: (p) => `บันทึกต่อไปแล้ว ชิ้นงานตอนนี้: ${p.where}`,
    appliedNoToken: 'บันทึกต่อไปแล้ว',
    discarded: 'ยกเลิกแล้ว การสแกนนี้จะไม่ถูกบันทึก',
    resent: 'ส่งใหม่ไปยังระบบต้นทางแล้ว',
    takenResolved: (p) => `${p.who} แก้ไขไปแล้วเมื่อ ${p.time} (${p.outcome}) ไม่มีอะไรเปลี่ยนแปลง รายการเป็นปัจจุบันแล้ว`,
    takenAcknowledged: (p) => `${p.who} รับเรื่องนี้ไปแล้วเมื่อ ${p.time} และกำลังดำเนินการ`,
    taken: 'มีคนอื่นดำเนินการก่อนแล้ว รายการเป็นปัจจุบันแล้ว',
    unreachable: 'เซิร์ฟเวอร์ไม่ตอบ ลองอีกครั้ง',
    forbidden: 'บัญชีของคุณทำรายการนี้ไม่ได้',
    gone: 'ปัญหานี้ไม่อยู่ในรายการแล้ว',
    refused: (p) => `เซิร์ฟเวอร์ไม่รับ: ${p.message}`,
    dismiss: 'ซ่อน',
  },
  justNow: 'เพิ่งดำเนินการ',
  loading: 'กำลังโหลดรายการปัญหา…',
  failed: 'โหลดรายการปัญหาไม่ได้ กำลังลองใหม่…',
  empty: {
    active: 'ไม่มีปัญหาที่เปิดอยู่ ตอนนี้ไม่มีอะไรต้องทำ',
    open: 'ไม่มีปัญหาที่ยังไม่มีใครรับเรื่อง',
    acknowledged: 'ไม่มีปัญหาที่กำลังดำเนินการ',
    resolved: 'ยังไม่มีปัญหาที่แก้ไขแล้ว',
  },
  shown: (p) => `แสดง ${p.n} ปัญหา`,
  showMore: 'แสดงเพิ่ม',
  loadingMore: 'กำลังโหลดเพิ่ม…',
  parkedNote: (p) => `การสแกนที่รอชิ้นงานจะแสดงที่นี่เมื่อรอเกิน ${p.minutes} นาที`,
  audit: {
    heading: 'บันทึกการตรวจสอบ',
    when: 'เมื่อ',
    who: 'ใคร',
    what: 'ทำอะไร',
    why: 'เหตุผล',
    outcome: 'ผล',
    actions: {
      acknowledge: 'รับเรื่อง',
      apply: 'บันทึกต่อไปเลย',
      discard: 'ยกเลิกการสแกน',
      resend: 'ส่งใหม่',
    },
    problem: {
      conflict: (p) => `ข้อมูลขัดแย้ง ${p.id}`,
      parked: (p) => `การสแกนที่รอ ${p.id}`,
      dead_letter: (p) => `รายการที่ระบบต้นทางไม่รับ ${p.id}`,
      refused: (p) => `การสแกนที่ถูกปฏิเสธ ${p.id}`,
    },
    tokenAfter: (p) => `ชิ้นงานตอนนี้: ${p.where}`,
    noReason: '—',
    empty: 'ยังไม่มีการดำเนินการ',
    loading: 'กำลังโหลดบันทึกการตรวจสอบ…',
    failed: 'โหลดบันทึกการตรวจสอบไม่ได้ กำลังลองใหม่…',
  },
};
