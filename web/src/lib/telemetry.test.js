import { describe, expect, it } from 'vitest'
import { i18nFor } from '../test/setup.js'
import {
  addDays,
  alarmStateLabel,
  alarmPlace,
  applyAlarmEvent,
  applyAlarmValues,
  matchesFilter,
  applyTelemetry,
  bucketSeries,
  conditionLabel,
  formatDuration,
  formatReading,
  limitState,
  mergeBuckets,
  noteLabel,
  onlineCounts,
  parkDay,
  parseParkLocal,
  presetRange,
  seriesOption,
  severityClass,
  severityLabel,
  toParkLocal,
  METER_NOTES,
  ALARM_CONDITIONS,
  ALARM_STATES,
  SEVERITIES,
  RULE_KINDS,
  ruleKindLabel,
} from './telemetry.js'

const zh = i18nFor('zh-CN').global.t
const en = i18nFor('en').global.t

describe('alarm labels', () => {
  const cases = [
    { fn: alarmStateLabel, code: 'active', zh: '告警中', en: 'Active' },
    { fn: alarmStateLabel, code: 'acknowledged', zh: '已确认', en: 'Acknowledged' },
    { fn: alarmStateLabel, code: 'cleared', zh: '已恢复', en: 'Cleared' },
    { fn: conditionLabel, code: 'high', zh: '超上限', en: 'Above high limit' },
    { fn: conditionLabel, code: 'no_data', zh: '无数据', en: 'No data' },
    { fn: severityLabel, code: 'critical', zh: '严重', en: 'Critical' },
    { fn: noteLabel, code: 'rollover', zh: '表计翻转', en: 'Rollover' },
    { fn: noteLabel, code: 'reset', zh: '表计清零', en: 'Reset' },
    { fn: noteLabel, code: 'gap', zh: '数据中断', en: 'Gap' },
    { fn: conditionLabel, code: 'something_new', zh: 'something_new', en: 'something_new' },
    { fn: alarmStateLabel, code: '', zh: '—', en: '—' },
  ]
  for (const c of cases) {
    it(`${c.fn.name}(${c.code})`, () => {
      expect(c.fn(zh, c.code)).toBe(c.zh)
      expect(c.fn(en, c.code)).toBe(c.en)
    })
  }
  it('every code the server sends has a name in both languages', () => {
    const groups = [
      [alarmStateLabel, ALARM_STATES],
      [conditionLabel, ALARM_CONDITIONS],
      [severityLabel, SEVERITIES],
      [noteLabel, METER_NOTES],
      [ruleKindLabel, RULE_KINDS],
    ]
    for (const [fn, codes] of groups) {
      for (const code of codes) {
        expect(fn(zh, code), code).not.toBe(code)
        expect(fn(en, code), code).not.toBe(code)
      }
    }
  })
  it('severity classes fall back to warning', () => {
    expect(severityClass('critical')).toBe('sev-critical')
    expect(severityClass('info')).toBe('sev-info')
    expect(severityClass('bogus')).toBe('sev-warning')
  })
})

describe('formatDuration', () => {
  const cases = [
    [0, '0秒', '0 s'],
    [45_000, '45秒', '45 s'],
    [200_000, '3分20秒', '3 min 20 s'],
    [3600_000, '1小时', '1 h'],
    [3600_000 + 5 * 60_000 + 7000, '1小时5分', '1 h 5 min'],
    [2 * 86400_000 + 3 * 3600_000, '2天3小时', '2 d 3 h'],
    [-5000, '0秒', '0 s'],
    [null, '—', '—'],
  ]
  for (const [ms, zhText, enText] of cases) {
    it(`${ms} ms`, () => {
      expect(formatDuration(ms, 'zh-CN')).toBe(zhText)
      expect(formatDuration(ms, 'en')).toBe(enText)
    })
  }
})

describe('formatReading and limits', () => {
  it('prints a value with its unit', () => {
    expect(formatReading(81.2345, 'degC')).toBe('81.235°C')
    expect(formatReading(0.21, 'MPa', 'en')).toBe('0.21 MPa')
    expect(formatReading(1234.5, 'kWh', 'en', { maxDigits: 1 })).toBe('1,234.5 kWh')
    expect(formatReading(0.93, '1')).toBe('0.93')
    expect(formatReading(null, 'degC')).toBe('—')
  })
  it('tells a value outside its limits', () => {
    expect(limitState(121, -10, 120)).toBe('high')
    expect(limitState(-11, -10, 120)).toBe('low')
    expect(limitState(50, -10, 120)).toBe('ok')
    expect(limitState(50, null, null)).toBe('ok')
    expect(limitState(null, 0, 1)).toBe('')
  })
})

describe('time ranges in park time', () => {
  it('presets end now', () => {
    expect(presetRange('1h', 10_000_000)).toEqual({ from: 10_000_000 - 3600e3, to: 10_000_000 })
    expect(presetRange('7d', 1e12).from).toBe(1e12 - 7 * 86400e3)
  })
  it('reads and writes datetime-local values as UTC+8', () => {
    const ms = parseParkLocal('2026-11-25T08:00')
    expect(new Date(ms).toISOString()).toBe('2026-11-25T00:00:00.000Z')
    expect(toParkLocal(ms)).toBe('2026-11-25T08:00')
    expect(Number.isNaN(parseParkLocal('yesterday'))).toBe(true)
  })
  it('days follow the park calendar', () => {
    expect(parkDay(Date.parse('2026-11-25T17:00:00Z'))).toBe('2026-11-26')
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
  })
})

describe('bucketSeries', () => {
  const b = (start, min, max, mean, count = 3) => ({ start, min, max, mean, count, sum: mean * count, last: mean })
  it('makes mean, min and the max−min band', () => {
    const s = bucketSeries([b('2026-11-25T00:00:00Z', 1, 3, 2), b('2026-11-25T00:01:00Z', 2, 6, 4)], 60)
    const t0 = Date.parse('2026-11-25T00:00:00Z')
    expect(s.mean).toEqual([
      [t0, 2],
      [t0 + 60e3, 4],
    ])
    expect(s.min).toEqual([
      [t0, 1],
      [t0 + 60e3, 2],
    ])
    expect(s.band).toEqual([
      [t0, 2],
      [t0 + 60e3, 4],
    ])
    expect(s.count).toBe(2)
  })
  it('breaks the lines over a long hole and skips empty buckets', () => {
    const s = bucketSeries(
      [
        b('2026-11-25T00:00:00Z', 1, 1, 1),
        b('2026-11-25T00:01:00Z', 1, 1, 1),
        b('2026-11-25T00:02:00Z', 1, 1, 1, 0),
        b('2026-11-25T00:02:00Z', 1, 1, 1),
        b('2026-11-25T01:00:00Z', 5, 5, 5),
      ],
      60,
    )
    expect(s.count).toBe(4)
    expect(s.mean.map((p) => p[1])).toEqual([1, 1, 1, null, 5])
  })
  it('does not break sparse but regular data', () => {
    // Points every 10 minutes in 5-second buckets: the usual step is 10 minutes, so no hole.
    const rows = [0, 1, 2, 3].map((i) => b(new Date(Date.parse('2026-11-25T00:00:00Z') + i * 600e3).toISOString(), 1, 1, 1))
    expect(bucketSeries(rows, 5).mean.some((p) => p[1] === null)).toBe(false)
  })
  it('merges a zoomed query into the overview', () => {
    const coarse = [b('2026-11-25T00:00:00Z', 1, 1, 1), b('2026-11-25T01:00:00Z', 2, 2, 2), b('2026-11-25T02:00:00Z', 3, 3, 3)]
    const fine = [b('2026-11-25T01:00:00Z', 9, 9, 9), b('2026-11-25T01:30:00Z', 8, 8, 8)]
    const merged = mergeBuckets(coarse, fine, Date.parse('2026-11-25T01:00:00Z'), Date.parse('2026-11-25T02:00:00Z'))
    expect(merged.map((x) => x.mean)).toEqual([1, 9, 8, 3])
  })
  it('the chart option carries the data, the limits and the zoom window', () => {
    const s = bucketSeries([b('2026-11-25T00:00:00Z', 1, 3, 2)], 60)
    const opt = seriesOption(s, { unit: 'degC', high: 120, zoom: { from: 1, to: 2 }, labels: { mean: '均值', band: '最小–最大', min: '最小' } })
    expect(opt.series.map((x) => x.name)).toEqual(['最小', '最小–最大', '均值'])
    expect(opt.series[2].markLine.data[0].yAxis).toBe(120)
    expect(opt.dataZoom[0].startValue).toBe(1)
    expect(opt.yAxis.name).toBe('°C')
  })
})

describe('live updates', () => {
  const a = (id, state, raised_at) => ({ id, state, raised_at, severity: 'warning' })
  it('a new alarm goes first; a change updates in place', () => {
    let list = [a(1, 'active', '2026-11-25T00:00:00Z')]
    let r = applyAlarmEvent(list, a(2, 'active', '2026-11-25T00:05:00Z'))
    expect(r.added).toBe(true)
    expect(r.list.map((x) => x.id)).toEqual([2, 1])
    r = applyAlarmEvent(r.list, { ...a(1, 'acknowledged', '2026-11-25T00:00:00Z'), acknowledged_by: 'tech' })
    expect(r.added).toBe(false)
    expect(r.list[1].state).toBe('acknowledged')
    expect(r.list[1].acknowledged_by).toBe('tech')
  })
  it('an alarm outside the filter is not added', () => {
    expect(applyAlarmEvent([], a(3, 'cleared', '2026-11-25T00:00:00Z'), 'open').added).toBe(false)
    expect(applyAlarmEvent([], a(3, 'cleared', '2026-11-25T00:00:00Z'), '').added).toBe(true)
    expect(applyAlarmEvent([], a(3, 'active', '2026-11-25T00:00:00Z'), 'acknowledged').added).toBe(false)
  })
  it('a row that stops matching leaves the list: open hides cleared, to_close hides closed', () => {
    const list = [a(1, 'active', '2026-11-25T00:00:00Z'), a(2, 'active', '2026-11-25T00:01:00Z')]
    let r = applyAlarmEvent(list, { id: 1, state: 'cleared', cleared_at: '2026-11-25T00:09:00Z' }, 'open')
    expect(r.removed).toBe(true)
    expect(r.list.map((x) => x.id)).toEqual([2])
    const toClose = [{ ...a(3, 'cleared', '2026-11-25T00:00:00Z') }]
    r = applyAlarmEvent(toClose, { id: 3, closed_at: '2026-11-25T01:00:00Z', close_cause: 'sensor_fault' }, 'to_close')
    expect(r.list).toEqual([])
    r = applyAlarmEvent([], { ...a(3, 'cleared', '2026-11-25T00:00:00Z'), closed_at: '2026-11-25T01:00:00Z' }, 'closed')
    expect(r.added).toBe(true)
    expect(matchesFilter({ state: 'cleared', closed_at: 'x' }, 'cleared')).toBe(true)
    expect(matchesFilter({ state: 'cleared', closed_at: 'x' }, 'to_close')).toBe(false)
    expect(matchesFilter({ state: 'active', closed_at: null }, 'open')).toBe(true)
  })
  it('open alarms take the live value of their series; cleared ones keep theirs', () => {
    const items = [
      { id: 1, series_id: 7, state: 'active', last_value: 90 },
      { id: 2, series_id: 8, state: 'cleared', last_value: 50 },
    ]
    const next = applyAlarmValues(items, [
      { series_id: 7, value: 93.5, ts: '2026-11-25T00:02:00Z' },
      { series_id: 8, value: 10, ts: '2026-11-25T00:02:00Z' },
    ])
    expect(next[0]).toMatchObject({ current: 93.5, current_ts: '2026-11-25T00:02:00Z' })
    expect(next[1].current).toBeUndefined()
    expect(applyAlarmValues(next, [{ series_id: 7, value: 1, ts: '2026-11-25T00:01:00Z' }])[0].current).toBe(93.5)
    expect(applyAlarmValues(items, [{ series_id: 99, value: 1, ts: 'x' }])).toBe(items)
  })
  it('names the place: equipment (tag), facility, location', () => {
    expect(alarmPlace({ equipment_name: '反应釜', equipment_tag: 'R-101', facility_name: '一车间', location: 'A区' })).toBe('反应釜 (R-101) · 一车间 · A区')
    expect(alarmPlace({})).toBe('')
  })
  it('keeps at most max alarms', () => {
    let list = []
    for (let i = 1; i <= 5; i++) list = applyAlarmEvent(list, a(i, 'active', `2026-11-25T00:0${i}:00Z`), 'open', { max: 3 }).list
    expect(list.map((x) => x.id)).toEqual([5, 4, 3])
  })
  it('telemetry updates the matching sensors and marks them online', () => {
    const items = [
      { sensor_id: 1, value: 1, ts: '2026-11-25T00:00:00Z', online: false },
      { sensor_id: 2, value: null, ts: null, online: false },
    ]
    const next = applyTelemetry(items, [
      { sensor_id: 1, series_id: 7, value: 5, ts: '2026-11-25T00:01:00Z' },
      { sensor_id: 9, value: 9, ts: '2026-11-25T00:01:00Z' },
    ])
    expect(next[0]).toMatchObject({ value: 5, online: true, series_id: 7 })
    expect(next[1]).toBe(items[1])
    // An older value (replayed) does not overwrite a newer one.
    expect(applyTelemetry(next, [{ sensor_id: 1, value: 0, ts: '2026-11-24T00:00:00Z' }])[0].value).toBe(5)
  })
  it('counts sensors and equipment online', () => {
    const c = onlineCounts([
      { equipment_id: 1, online: true },
      { equipment_id: 1, online: false },
      { equipment_id: 2, online: false },
    ])
    expect(c.sensors).toEqual({ online: 1, offline: 2, total: 3 })
    expect(c.equipment).toEqual({ online: 1, offline: 1, total: 2 })
  })
})
