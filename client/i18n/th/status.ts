/** The status part of the Thai catalogue (typed from the English source). */
import type { Catalogue } from '../catalogue';

export const status: Catalogue['status'] = {
  band: {
    state: {
      online: 'ออนไลน์',
      syncing: 'กำลังส่ง…',
      offline: 'ออฟไลน์',
      unreachable: 'ติดต่อเซิร์ฟเวอร์ไม่ได้',
      blocked: 'เซิร์ฟเวอร์ไม่รับแท็บเล็ตนี้',
    },
    detail: {
      online: 'ส่งข้อมูลครบแล้ว',
      onlineWaiting: 'จะส่งการสแกนในอีกสักครู่',
      syncing: 'กำลังส่งการสแกนไปยังเซิร์ฟเวอร์',
      offline: 'ไม่มีเครือข่าย การสแกนเก็บไว้ในแท็บเล็ตนี้และจะส่งภายหลัง',
      unreachable: 'เครือข่ายใช้ได้ แต่เซิร์ฟเวอร์ไม่ตอบ การสแกนเก็บไว้ในแท็บเล็ตนี้',
      blocked: 'เซิร์ฟเวอร์ไม่รับแท็บเล็ตนี้ ขอให้หัวหน้างานลงทะเบียนใหม่',
    },
    pending: (p) => (p.n === 0 ? 'ไม่มีรายการรอส่ง' : `รอส่ง ${p.n} รายการ`),
    counting: 'กำลังนับรายการ…',
    lastSync: (p) => `ซิงก์ล่าสุด ${p.time}`,
    neverSynced: 'ยังไม่ได้ซิงก์',
    progress: (p) => `ส่งแล้ว ${p.done} จาก ${p.total} (${p.rate} รายการต่อวินาที)`,
    timeLeft: (p) => `เหลืออีกประมาณ ${p.duration}`,
    retryAt: (p) => `จะลองส่งใหม่เวลา ${p.time}`,
    syncNow: 'ซิงก์ตอนนี้',
    station: 'สถานี',
  },
  duration: {
    seconds: (p) => `${p.s} วินาที`,
    minutes: (p) => `${p.m} นาที ${p.s} วินาที`,
    hours: (p) => `${p.h} ชั่วโมง ${p.m} นาที`,
  },
  saidAt: (p) => `เวลา ${p.time}`,
  refusedBanner: {
    title: (p) => `เซิร์ฟเวอร์ไม่รับการสแกน ${p.n} รายการ`,
    line: (p) => `บันทึก “${p.action}” ของ ${p.serial} ไม่สำเร็จ`,
    seeBelow: 'กดทิ้งรายการหรือส่งใหม่ได้ในรายการด้านล่าง',
    dismiss: 'รับทราบ',
  },
  refused: {
    heading: 'รายการที่เซิร์ฟเวอร์ไม่รับ',
    sendAgain: 'ส่งใหม่',
    discard: 'ทิ้งรายการ',
  },
  recent: {
    heading: 'การสแกนล่าสุด',
    event: (p) => `${p.action} ${p.serial} ที่ ${p.node} โดย ${p.badge}`,
    parkedBecause: (p) => `พักไว้ก่อน: ${p.reason}`,
    refusedBecause: (p) => `ไม่รับ: ${p.reason}`,
    state: {
      queued: 'รอส่ง',
      applied: 'บันทึกแล้ว',
      duplicate: 'บันทึกไว้แล้ว',
      parked: 'พักไว้ก่อน',
      refused: 'ไม่รับ',
      forwarded: 'ส่งเข้าระบบโรงงานแล้ว',
    },
  },
  stalled: (p) => `การสแกน ${p.n} รายการค้างอยู่ ${p.minutes} นาทีแล้ว ทั้งที่เครือข่ายใช้ได้ แจ้งหัวหน้างาน`,
  problem: {
    network: 'เซิร์ฟเวอร์ไม่ตอบ',
    badAnswer: 'เซิร์ฟเวอร์ตอบกลับมาในแบบที่แท็บเล็ตอ่านไม่ได้',
    http: (p) => `เซิร์ฟเวอร์ตอบกลับด้วยข้อผิดพลาด ${p.status}`,
  },
  update: {
    ready: 'แอปสถานีเวอร์ชันใหม่พร้อมแล้ว',
    apply: 'อัปเดตตอนนี้',
    waits: 'จะติดตั้งเมื่อส่งการสแกนครบและไม่มีการ์ดเปิดอยู่',
  },
  work: 'งานที่สถานีนี้',
  commandBarcodes: 'บาร์โค้ดคำสั่ง',
  commandBarcodesFailed: 'โหลดบาร์โค้ดคำสั่งไม่ได้',
  cameraFailed: 'เปิดกล้องสแกนไม่ได้ ใช้เครื่องอ่านบาร์โค้ดหรือพิมพ์รหัสแทน',
};
