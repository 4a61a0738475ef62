/**
 * @module The console's words for job tickets: release (piece or batch), list (English, the source, and Thai typed from it: a missing
 * key or a wrong placeholder is a type error).
 */
import { plural } from '../../../i18n/plural';

export const ticketsEn = {
  heading: 'Job tickets',
  intro:
    'Release a ticket on a published routing: its tokens wait at the first step on the floor board, ready to scan.',
  releaseHeading: 'Release a ticket',
  code: 'Ticket code',
  codeHint: 'For example TOTE-2026-014',
  routing: 'Routing',
  routingChoose: 'Choose a routing…',
  routingsLoading: 'Loading the routings…',
  routingsFailed: 'Could not load the published routings. Trying again shortly…',
  noRoutings: 'No routing is published yet: publish one on the Routings page first.',
  version: 'Version',
  latest: (p: { version: number }) => `Latest (v${p.version})`,
  versionN: (p: { version: number }) => `v${p.version}`,
  mode: 'Mode',
  piece: 'Piece: one serial per item',
  batch: 'Batch: one code for the lot',
  qty: 'Quantity',
  product: 'Product (optional)',
  productHint: (p: { name: string }) => `Without one: ${p.name}`,
  serialsFrom: 'Serials',
  generate: 'Generate from a prefix',
  paste: 'Paste a list',
  prefix: 'Prefix',
  prefixHint: (p: { example: string }) =>
    `Serials are the prefix and the next numbers not yet used with it on this site, such as ${p.example}. Never the same serial twice.`,
  previewHint: (p: { n: number; first: string; last: string }) =>
    p.n === 1
      ? `It gets ${p.first}: the next serial not yet used with this prefix on this site.`
      : `They get ${p.first} to ${p.last}: the next ${p.n} serials not yet used with this prefix on this site (numbers in use are skipped).`,
  pasted: 'Serials, one per line',
  pastedCount: (p: { n: number; qty: number }) =>
    `${p.n} ${plural(p.n, { one: 'serial', other: 'serials' })} of ${p.qty}`,
  batchCode: 'Batch code (optional)',
  batchCodeHint: 'Without one: the ticket code',
  release: 'Release ticket',
  releasing: 'Releasing…',
  releasedHeading: (p: { code: string }) => `Ticket ${p.code} released`,
  releasedSerials: (p: { n: number; first: string; last: string }) =>
    p.n === 1
      ? `1 serial: ${p.first}. It waits at the first step.`
      : `${p.n} serials, ${p.first} to ${p.last}. They wait at the first step.`,
  releasedBatch: (p: { code: string; qty: number }) =>
    `One batch ${p.code} of ${p.qty}. It waits at the first step.`,
  allSerials: 'All serials',
  done: 'Done',
  listHeading: 'Released tickets',
  loading: 'Loading the tickets…',
  loadFailed: 'Could not load the tickets. Trying again shortly…',
  none: 'No ticket has been released yet.',
  more: 'Show older tickets',
  colRouting: 'Routing',
  colMode: 'Mode',
  colQty: 'Quantity',
  colDone: 'Done',
  colReleased: 'Released',
  routingVersion: (p: { name: string; version: number }) => `${p.name} v${p.version}`,
  modePiece: 'Piece',
  modeBatch: 'Batch',
  doneOf: (p: { done: number; tokens: number }) => `${p.done} of ${p.tokens}`,
  labels: 'Labels and traveler',
  labelsFor: (p: { code: string }) => `Labels and traveler of ${p.code}`,
  board: 'Floor board',
  // Refusals, each shown beside the field it names.
  needCode: 'Give the ticket a code, at most 64 characters.',
  codeInUse: (p: { code: string }) => `A ticket ${p.code} already exists. Give this one another code.`,
  needRouting: 'Choose the routing to release it on.',
  unknownRouting: (p: { routing: string }) =>
    `No routing ${p.routing} is published on this site. Choose one from the list.`,
  unknownVersion: (p: { routing: string }) =>
    `This version of ${p.routing} is not published. Choose another version.`,
  badQty: 'Give a whole number from 1 to 100,000.',
  tooManySerials: (p: { max: number }) =>
    `A piece ticket has at most ${p.max.toLocaleString('en')} serials. Release several tickets, or use batch mode.`,
  serialsInUse: (p: { n: number; list: string }) =>
    `${plural(p.n, { one: 'This serial is', other: 'These serials are' })} already in use on this site: ${p.list}`,
  serialsRepeated: (p: { list: string }) => `Listed more than once: ${p.list}`,
  serialsCount: (p: { n: number; qty: number }) =>
    `${p.n} ${plural(p.n, { one: 'serial', other: 'serials' })} for a quantity of ${p.qty}: give one serial per item.`,
  serialsUnprintable: (p: { list: string }) =>
    `A line has a space or a tab inside: ${p.list}. Put one serial on each line.`,
  badSerials: 'Give one serial per line, at most 128 characters each.',
  badPrefix: 'Give a prefix of at most 100 characters.',
  badProduct: 'At most 200 characters.',
  batchCodeInUse: (p: { code: string }) =>
    `${p.code} is already in use on this site. Give the batch another code.`,
  badBatchCode: 'At most 128 characters.',
  adminOnly: 'Only an admin may release tickets.',
  unreachable: 'The edge server did not answer. Check the network and try again.',
  refused: (p: { message: string }) => `The edge server refused it: ${p.message}`,
};

export const ticketsTh: typeof ticketsEn = {
  heading: 'ใบสั่งงาน',
  intro: 'ออกใบสั่งงานตามเส้นทางการผลิตที่เผยแพร่แล้ว ชิ้นงานจะรออยู่ที่ขั้นตอนแรกบนกระดานหน้างาน พร้อมให้สแกน',
  releaseHeading: 'ออกใบสั่งงาน',
  code: 'รหัสใบสั่งงาน',
  codeHint: 'เช่น TOTE-2026-014',
  routing: 'เส้นทางการผลิต',
  routingChoose: 'เลือกเส้นทางการผลิต…',
  routingsLoading: 'กำลังโหลดเส้นทางการผลิต…',
  routingsFailed: 'โหลดเส้นทางการผลิตที่เผยแพร่ไม่ได้ จะลองใหม่อีกสักครู่…',
  noRoutings: 'ยังไม่มีเส้นทางการผลิตที่เผยแพร่ ไปเผยแพร่ที่หน้าเส้นทางการผลิตก่อน',
  version: 'เวอร์ชัน',
  latest: (p) => `ล่าสุด (v${p.version})`,
  versionN: (p) => `v${p.version}`,
  mode: 'รูปแบบ',
  piece: 'รายชิ้น: หนึ่งหมายเลขต่อชิ้น',
  batch: 'เป็นล็อต: หนึ่งรหัสต่อล็อต',
  qty: 'จำนวน',
  product: 'สินค้า (ไม่บังคับ)',
  productHint: (p) => `ถ้าไม่ระบุ: ${p.name}`,
  serialsFrom: 'หมายเลขซีเรียล',
  generate: 'สร้างจากคำนำหน้า',
  paste: 'วางรายการ',
  prefix: 'คำนำหน้า',
  prefixHint: (p) =>
    `หมายเลขคือคำนำหน้าตามด้วยเลขถัดไปที่ยังไม่เคยใช้กับคำนำหน้านี้ในโรงงาน เช่น ${p.example} ไม่มีหมายเลขซ้ำ`,
  previewHint: (p) =>
    p.n === 1
      ? `จะได้ ${p.first}: หมายเลขถัดไปที่ยังไม่เคยใช้กับคำนำหน้านี้ในโรงงาน`
      : `จะได้ ${p.first} ถึง ${p.last}: ${p.n} หมายเลขถัดไปที่ยังไม่เคยใช้กับคำนำหน้านี้ในโรงงาน (ข้ามเลขที่ใช้แล้ว)`,
  pasted: 'หมายเลขซีเรียล บรรทัดละหนึ่งหมายเลข',
  pastedCount: (p) => `${p.n} หมายเลข จาก ${p.qty}`,
  batchCode: 'รหัสล็อต (ไม่บังคับ)',
  batchCodeHint: 'ถ้าไม่ระบุ: ใช้รหัสใบสั่งงาน',
  release: 'ออกใบสั่งงาน',
  releasing: 'กำลังออกใบสั่งงาน…',
  releasedHeading: (p) => `ออกใบสั่งงาน ${p.code} แล้ว`,
  releasedSerials: (p) =>
    p.n === 1
      ? `1 หมายเลข: ${p.first} รออยู่ที่ขั้นตอนแรก`
      : `${p.n} หมายเลข ตั้งแต่ ${p.first} ถึง ${p.last} รออยู่ที่ขั้นตอนแรก`,
  releasedBatch: (p) => `ล็อต ${p.code} จำนวน ${p.qty} รออยู่ที่ขั้นตอนแรก`,
  allSerials: 'หมายเลขทั้งหมด',
  done: 'เสร็จ',
  listHeading: 'ใบสั่งงานที่ออกแล้ว',
  loading: 'กำลังโหลดใบสั่งงาน…',
  loadFailed: 'โหลดใบสั่งงานไม่ได้ จะลองใหม่อีกสักครู่…',
  none: 'ยังไม่มีใบสั่งงาน',
  more: 'แสดงใบสั่งงานก่อนหน้า',
  colRouting: 'เส้นทางการผลิต',
  colMode: 'รูปแบบ',
  colQty: 'จำนวน',
  colDone: 'เสร็จแล้ว',
  colReleased: 'ออกเมื่อ',
  routingVersion: (p) => `${p.name} v${p.version}`,
  modePiece: 'รายชิ้น',
  modeBatch: 'เป็นล็อต',
  doneOf: (p) => `${p.done} จาก ${p.tokens}`,
  labels: 'ฉลากและใบกำกับงาน',
  labelsFor: (p) => `ฉลากและใบกำกับงาน ${p.code}`,
  board: 'กระดานหน้างาน',
  needCode: 'ใส่รหัสใบสั่งงาน ไม่เกิน 64 ตัวอักษร',
  codeInUse: (p) => `มีใบสั่งงาน ${p.code} อยู่แล้ว ตั้งรหัสอื่นให้ใบนี้`,
  needRouting: 'เลือกเส้นทางการผลิตของใบสั่งงานนี้',
  unknownRouting: (p) => `ไม่มีเส้นทางการผลิต ${p.routing} ที่เผยแพร่ในโรงงานนี้ เลือกจากรายการ`,
  unknownVersion: (p) => `เวอร์ชันนี้ของ ${p.routing} ไม่ได้เผยแพร่ เลือกเวอร์ชันอื่น`,
  badQty: 'ใส่จำนวนเต็มตั้งแต่ 1 ถึง 100,000',
  tooManySerials: (p) =>
    `ใบสั่งงานแบบรายชิ้นมีซีเรียลได้ไม่เกิน ${p.max.toLocaleString('th')} ชิ้น แบ่งเป็นหลายใบสั่งงาน หรือใช้แบบล็อต`,
  serialsInUse: (p) => `${p.n === 1 ? 'หมายเลขนี้' : 'หมายเลขเหล่านี้'}ถูกใช้แล้วในโรงงานนี้: ${p.list}`,
  serialsRepeated: (p) => `มีหมายเลขซ้ำในรายการ: ${p.list}`,
  serialsCount: (p) => `มี ${p.n} หมายเลข แต่จำนวนคือ ${p.qty}: ต้องมีหนึ่งหมายเลขต่อชิ้น`,
  serialsUnprintable: (p) => `มีบรรทัดที่มีช่องว่างหรือแท็บอยู่ข้างใน: ${p.list} ใส่บรรทัดละหนึ่งหมายเลข`,
  badSerials: 'ใส่บรรทัดละหนึ่งหมายเลข แต่ละหมายเลขไม่เกิน 128 ตัวอักษร',
  badPrefix: 'ใส่คำนำหน้าไม่เกิน 100 ตัวอักษร',
  badProduct: 'ไม่เกิน 200 ตัวอักษร',
  batchCodeInUse: (p) => `${p.code} ถูกใช้แล้วในโรงงานนี้ ตั้งรหัสอื่นให้ล็อตนี้`,
  badBatchCode: 'ไม่เกิน 128 ตัวอักษร',
  adminOnly: 'เฉพาะผู้ดูแลระบบเท่านั้นที่ออกใบสั่งงานได้',
  unreachable: 'เซิร์ฟเวอร์ไม่ตอบ ตรวจเครือข่ายแล้วลองอีกครั้ง',
  refused: (p) => `เซิร์ฟเวอร์ไม่รับ: ${p.message}`,
};
