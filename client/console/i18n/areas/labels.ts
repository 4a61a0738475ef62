/**
 * @module The console's words for labels, travelers and the command-barcode sheet, printed from the browser (English, the source, and Thai typed from it: a missing
 * key or a wrong placeholder is a type error). `printed` holds the words that go on the paper: the
 * page prints them in the language chosen for the labels, whatever the console speaks.
 */
import { plural } from '../../../i18n/plural';

export const labelsEn = {
  heading: 'Labels and travelers',
  headingFor: (p: { code: string }) => `Labels and travelers for ticket ${p.code}`,
  noTicket: 'This page prints the labels of one job ticket. Open it from the ticket on the Tickets page.',
  toTickets: 'Go to job tickets',
  loading: 'Loading the ticket…',
  notFound: (p: { code: string }) =>
    `There is no job ticket ${p.code} on this site. Check the code on the Tickets page.`,
  loadFailed: 'The ticket could not be loaded. Check the connection and try again.',
  retry: 'Try again',
  summary: (p: { routing: string; version: number; product: string; n: number }) =>
    `${p.routing} (version ${p.version}) · ${p.product} · ${p.n} ${plural(p.n, { one: 'unit', other: 'units' })}`,
  whatToPrint: 'What to print',
  kind: { labels: 'Serial labels', travelers: 'Travelers', commands: 'Command barcodes' },
  size: 'Label size',
  sizes: {
    '50x25': '50 × 25 mm (roll)',
    '4x6': '4 × 6 in, 102 × 152 mm (roll)',
    'a4-sheet': 'A4 sheet, 24 labels of 70 × 37 mm',
  },
  printedLanguage: 'Words on the paper',
  gs1: 'DataMatrix as GS1 (ticket as AI 10, serial as AI 21)',
  gs1Hint: 'The station reads the serial from either form. Use GS1 when other systems scan these labels too.',
  gs1Blocked: (p: { code: string }) =>
    `GS1 is not possible for this ticket: ${p.code} is longer than 20 characters or has a character GS1 does not allow.`,
  serials: 'Serials to print',
  all: (p: { n: number }) => `All ${p.n} ${plural(p.n, { one: 'serial', other: 'serials' })}`,
  selectedCount: (p: { n: number; total: number }) => `${p.n} of ${p.total} selected`,
  nothingSelected: 'Choose at least one serial to print.',
  help: {
    labels:
      'Each label carries the serial as a Code 128 and a DataMatrix barcode, the serial in text, the routing and the ticket. In the print dialog choose the label printer, margins none, scale 100%.',
    travelers:
      'One A4 page per tote with its routing’s steps in order, a barcode of each step’s code and boxes to sign and date. The station does not read the step barcodes yet: they are printed for people and for later use.',
    commands:
      'The barcodes an operator scans instead of pressing a button on the station: the same list as the station’s own command page.',
  },
  print: {
    labels: (p: { n: number }) => `Print ${p.n} ${plural(p.n, { one: 'label', other: 'labels' })}`,
    travelers: (p: { n: number }) => `Print ${p.n} ${plural(p.n, { one: 'traveler', other: 'travelers' })}`,
    commands: 'Print the command sheet',
  },
  pages: (p: { n: number }) =>
    `${p.n} ${plural(p.n, { one: 'page', other: 'pages' })} to print, preview below`,
  drawing: 'Drawing the barcodes…',
  drawFailed: 'The barcodes could not be drawn. Check the connection and reload the page.',
  preview: 'Print preview',
  /** On paper, in the language chosen for it. */
  printed: {
    ticket: (p: { code: string }) => `Ticket ${p.code}`,
    code128: (p: { text: string }) => `Code 128 barcode of ${p.text}`,
    dataMatrix: (p: { text: string }) => `DataMatrix of ${p.text}`,
    gs1DataMatrix: (p: { text: string }) => `GS1 DataMatrix of serial ${p.text}`,
    traveler: 'Traveler',
    routing: 'Routing',
    routingVersion: (p: { name: string; code: string; version: number }) =>
      `${p.name} (${p.code}, version ${p.version})`,
    product: 'Product',
    tote: 'Tote',
    unitOf: (p: { n: number; total: number }) => `Unit ${p.n} of ${p.total}`,
    batch: (p: { qty: number }) => `Batch of ${p.qty}`,
    step: 'Step',
    workCenter: 'Work center',
    stepBarcode: 'Step barcode',
    signed: 'Signed',
    when: 'Date and time',
    page: (p: { n: number; total: number }) => `Page ${p.n} of ${p.total}`,
  },
};

export const labelsTh: typeof labelsEn = {
  heading: 'ฉลากและใบติดงาน',
  headingFor: (p) => `ฉลากและใบติดงานของใบสั่งงาน ${p.code}`,
  noTicket: 'หน้านี้พิมพ์ฉลากของใบสั่งงานทีละใบ เปิดจากใบสั่งงานในหน้าใบสั่งงาน',
  toTickets: 'ไปที่หน้าใบสั่งงาน',
  loading: 'กำลังโหลดใบสั่งงาน…',
  notFound: (p) => `ไม่มีใบสั่งงาน ${p.code} ในไซต์นี้ ตรวจรหัสอีกครั้งในหน้าใบสั่งงาน`,
  loadFailed: 'โหลดใบสั่งงานไม่ได้ ตรวจสอบการเชื่อมต่อแล้วลองอีกครั้ง',
  retry: 'ลองอีกครั้ง',
  summary: (p) => `${p.routing} (เวอร์ชัน ${p.version}) · ${p.product} · ${p.n} ชิ้น`,
  whatToPrint: 'สิ่งที่จะพิมพ์',
  kind: { labels: 'ฉลากซีเรียล', travelers: 'ใบติดงาน', commands: 'บาร์โค้ดคำสั่ง' },
  size: 'ขนาดฉลาก',
  sizes: {
    '50x25': '50 × 25 มม. (ม้วน)',
    '4x6': '4 × 6 นิ้ว, 102 × 152 มม. (ม้วน)',
    'a4-sheet': 'แผ่น A4 ฉลาก 24 ดวง ขนาด 70 × 37 มม.',
  },
  printedLanguage: 'ภาษาบนกระดาษ',
  gs1: 'DataMatrix แบบ GS1 (ใบสั่งงานเป็น AI 10 ซีเรียลเป็น AI 21)',
  gs1Hint: 'สถานีอ่านซีเรียลได้ทั้งสองแบบ ใช้ GS1 เมื่อระบบอื่นต้องสแกนฉลากเหล่านี้ด้วย',
  gs1Blocked: (p) => `ใช้ GS1 กับใบสั่งงานนี้ไม่ได้: ${p.code} ยาวเกิน 20 ตัวอักษร หรือมีตัวอักษรที่ GS1 ไม่รองรับ`,
  serials: 'ซีเรียลที่จะพิมพ์',
  all: (p) => `ทั้งหมด ${p.n} ซีเรียล`,
  selectedCount: (p) => `เลือก ${p.n} จาก ${p.total}`,
  nothingSelected: 'เลือกซีเรียลอย่างน้อยหนึ่งรายการเพื่อพิมพ์',
  help: {
    labels:
      'ฉลากแต่ละดวงมีซีเรียลเป็นบาร์โค้ด Code 128 และ DataMatrix ตัวเลขซีเรียล เส้นทางการผลิต และใบสั่งงาน ในหน้าต่างพิมพ์ ให้เลือกเครื่องพิมพ์ฉลาก ไม่มีขอบกระดาษ และขนาด 100%',
    travelers:
      'กระดาษ A4 หนึ่งแผ่นต่อหนึ่งกล่อง มีขั้นตอนของเส้นทางการผลิตตามลำดับ บาร์โค้ดรหัสของแต่ละขั้นตอน และช่องลงชื่อและวันที่ สถานียังไม่อ่านบาร์โค้ดขั้นตอน: พิมพ์ไว้ให้คนอ่านและเพื่อใช้ในภายหลัง',
    commands: 'บาร์โค้ดที่พนักงานสแกนแทนการกดปุ่มบนสถานี: รายการเดียวกับหน้าบาร์โค้ดคำสั่งของสถานี',
  },
  print: {
    labels: (p) => `พิมพ์ฉลาก ${p.n} ดวง`,
    travelers: (p) => `พิมพ์ใบติดงาน ${p.n} แผ่น`,
    commands: 'พิมพ์แผ่นบาร์โค้ดคำสั่ง',
  },
  pages: (p) => `พิมพ์ ${p.n} หน้า ดูตัวอย่างด้านล่าง`,
  drawing: 'กำลังวาดบาร์โค้ด…',
  drawFailed: 'วาดบาร์โค้ดไม่ได้ ตรวจสอบการเชื่อมต่อแล้วโหลดหน้านี้ใหม่',
  preview: 'ตัวอย่างก่อนพิมพ์',
  printed: {
    ticket: (p) => `ใบสั่งงาน ${p.code}`,
    code128: (p) => `บาร์โค้ด Code 128 ของ ${p.text}`,
    dataMatrix: (p) => `DataMatrix ของ ${p.text}`,
    gs1DataMatrix: (p) => `GS1 DataMatrix ของซีเรียล ${p.text}`,
    traveler: 'ใบติดงาน',
    routing: 'เส้นทางการผลิต',
    routingVersion: (p) => `${p.name} (${p.code} เวอร์ชัน ${p.version})`,
    product: 'สินค้า',
    tote: 'กล่อง',
    unitOf: (p) => `ชิ้นที่ ${p.n} จาก ${p.total}`,
    batch: (p) => `ล็อตจำนวน ${p.qty}`,
    step: 'ขั้นตอน',
    workCenter: 'ศูนย์งาน',
    stepBarcode: 'บาร์โค้ดขั้นตอน',
    signed: 'ลงชื่อ',
    when: 'วันที่และเวลา',
    page: (p) => `หน้า ${p.n} จาก ${p.total}`,
  },
};
