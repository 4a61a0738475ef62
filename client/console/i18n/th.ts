/** @module The supervisor console's Thai: typed from the English, so a missing key is a type error. */
import { words } from '../../i18n/th/words';
import type { ConsoleCatalogue } from './en';
import { inboxTh } from './areas/inbox';
import { traceTh } from './areas/trace';
import { figuresTh } from './areas/figures';
import { stationsTh } from './areas/stations';
import { displaysTh } from './areas/displays';
import { wallTh } from './areas/wall';
import { firstAdminTh } from './areas/first-admin';
import { routingsTh } from './areas/routings';
import { ticketsTh } from './areas/tickets';
import { labelsTh } from './areas/labels';
import { peopleTh } from './areas/people';
import { printersTh } from './areas/printers';
import { changesTh } from './areas/changes';

export const consoleTh: ConsoleCatalogue = {
  words,
  inbox: inboxTh,
  trace: traceTh,
  figures: figuresTh,
  stations: stationsTh,
  displays: displaysTh,
  wall: wallTh,
  firstAdmin: firstAdminTh,
  routings: routingsTh,
  tickets: ticketsTh,
  labels: labelsTh,
  people: peopleTh,
  printers: printersTh,
  changes: changesTh,
  duration: {
    seconds: (p) => `${p.n} วินาที`,
    minutes: (p) => `${p.n} นาที`,
    hours: (p) => `${p.h} ชม. ${p.m} นาที`,
  },
  app: {
    name: 'คอนโซลหัวหน้างาน',
    board: 'กระดานหน้างาน',
    signOut: 'ออกจากระบบ',
    signedInAs: (p) => `เข้าสู่ระบบเป็น ${p.username}`,
    pages: 'หน้า',
    floorPages: 'หน้างาน',
    deskPages: 'โต๊ะวางแผน',
    deskLoading: 'กำลังเปิดโต๊ะวางแผน…',
    deskFailed: 'โหลดหน้านี้ไม่ได้ ตรวจเครือข่ายแล้วโหลดหน้าใหม่',
    page: {
      board: 'กระดานหน้างาน',
      inbox: 'รายการปัญหา',
      trace: 'ติดตามซีเรียล',
      figures: 'ตัวเลขประจำกะ',
      stations: 'สถานี',
      displays: 'จอแสดงผลติดผนัง',
      routings: 'เส้นทางการผลิต',
      tickets: 'ใบสั่งงาน',
      labels: 'ฉลากและใบติดงาน',
      people: 'สถานีและผู้ใช้',
      printers: 'เครื่องพิมพ์ฉลาก',
      changes: 'บันทึกการเปลี่ยนแปลง',
    },
  },
  signIn: {
    heading: 'เข้าสู่ระบบคอนโซลหัวหน้างาน',
    username: 'ชื่อผู้ใช้',
    password: 'รหัสผ่าน',
    submit: 'เข้าสู่ระบบ',
    signingIn: 'กำลังเข้าสู่ระบบ…',
    checking: 'กำลังตรวจสอบการเข้าสู่ระบบ…',
    wrongPassword: 'ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง ตรวจสอบแล้วลองอีกครั้ง',
    throttled: (p) => `ลองเข้าสู่ระบบผิดหลายครั้งเกินไป รออีก ${p.seconds} วินาทีแล้วลองใหม่`,
    notAllowed: 'บัญชีนี้ไม่มีสิทธิ์เปิดคอนโซลหัวหน้างาน ติดต่อผู้ดูแลระบบ',
    unreachable: 'เซิร์ฟเวอร์ไม่ตอบ ตรวจสอบเครือข่ายแล้วลองอีกครั้ง',
    ended: 'หมดเวลาการเข้าสู่ระบบแล้ว กรุณาเข้าสู่ระบบใหม่',
  },
  live: {
    connecting: 'กำลังเชื่อมต่อ…',
    live: 'อัปเดตสด',
    lastChange: (p) => `อัปเดตสด · เปลี่ยนล่าสุด ${p.time}`,
    asOf: (p) => `ข้อมูล ณ ${p.time} · กำลังเชื่อมต่อใหม่`,
  },
  filters: {
    heading: 'ตัวกรอง',
    routing: 'เส้นทางการผลิต',
    ticket: 'ใบสั่งงาน',
    workCenter: 'ศูนย์งาน',
    all: 'ทั้งหมด',
    apply: 'กรอง',
    clear: 'ล้างตัวกรอง',
  },
  board: {
    loading: 'กำลังโหลดข้อมูลหน้างาน…',
    failed: 'โหลดกระดานไม่ได้ กำลังลองใหม่…',
    empty: 'ไม่มีเส้นทางการผลิตที่ตรงกับตัวกรองนี้',
    routing: (p) => `${p.name} (${p.code} รุ่น ${p.version})`,
    totals: (p) =>
      `งานในไลน์: พร้อม ${p.ready} · กำลังทำ ${p.active} · หยุดชั่วคราว ${p.paused} · รอชิ้นส่วน ${p.waiting}`,
    unsent: (p) => `${p.stations} สถานียังไม่ได้ส่ง ${p.events} รายการ ตัวเลขอาจยังเปลี่ยน`,
    allSent: 'ทุกสถานีส่งข้อมูลครบแล้ว',
    allSentReporting: 'สถานีที่รายงานอยู่ส่งข้อมูลครบแล้ว',
    notReporting: (p) => `${p.n} สถานีไม่ได้รายงาน ไม่ทราบว่ายังมีรายการค้างส่งเท่าไร`,
    neverReported: (p) => `${p.n} สถานียังไม่เคยรายงาน`,
    unsentUnknown: 'ยังไม่ทราบจำนวนรายการที่สถานียังไม่ได้ส่ง ตัวเลขอาจยังเปลี่ยน',
    ready: 'พร้อม',
    active: 'กำลังทำ',
    paused: 'หยุดชั่วคราว',
    waiting: 'รอรวมชิ้นส่วน',
    oldestWait: (p) => `รอนานสุด ${p.duration}`,
    noWait: 'ไม่มีงานรอ',
    doneHour: (p) => `ชั่วโมงนี้ เสร็จ ${p.units}`,
    doneShift: (p) => `กะนี้ เสร็จ ${p.units}`,
    doneHourOf: (p) => `ชั่วโมงนี้ เสร็จ ${p.units} จาก\u00a0${p.target}`,
    doneShiftOf: (p) => `กะนี้ เสร็จ ${p.units} จาก\u00a0${p.target}`,
    behind: (p) => `ต่ำกว่าเป้า ${p.units} ชิ้น`,
    starved: 'ขาดงาน: ไม่มีงานพร้อม งานค้างอยู่ขั้นก่อนหน้า',
    blocked: (p) => `งานล้น: งานพร้อมเกิน ${p.limit} ชิ้น`,
    flowing: 'ปกติ',
    activeBy: (p) => `${p.code} · ${p.operator} · ${p.duration}`,
    activeNobody: (p) => `${p.code} · ${p.duration}`,
    moreActive: (p) => `และอีก ${p.n} ชิ้น`,
    workCenter: (p) => `ศูนย์งาน ${p.code}`,
  },
};
