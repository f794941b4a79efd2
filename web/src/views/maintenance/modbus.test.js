import { describe, expect, it } from 'vitest'
import { deviceBody, stateOf } from './modbus.js'

describe('a Modbus device on the page', () => {
  it('is polling, unreachable, starting or not polled as its status says', () => {
    const cases = [
      [{ enabled: true, status: { running: true, connected: true, polls: 9, last_ok_at: 1 } }, 'polling'],
      [{ enabled: true, status: { running: true, connected: false, polls: 9, failures: 9, last_ok_at: null } }, 'unreachable'],
      [{ enabled: true, status: { running: true, connected: false, polls: 12, last_ok_at: 1 } }, 'unreachable'],
      [{ enabled: true, status: { running: true, connected: false, polls: 0 } }, 'starting'],
      [{ enabled: false, status: { running: false } }, 'disabled'],
      [{ enabled: true }, 'disabled'],
    ]
    for (const [device, state] of cases) expect(stateOf(device)).toBe(state)
  })

  it('sends numbers as numbers and leaves empty boxes out, so the server names what is missing', () => {
    const body = deviceBody({
      id: 3,
      name: 'PCS',
      host: '10.0.0.5',
      port: '1502',
      unit_id: '',
      poll_interval_ms: 1000,
      timeout_ms: '300',
      enabled: true,
      status: { running: true },
      registers: [
        { uid: 7, table: 'input', address: '4', type: 'float32', order: 'CDAB', scale: '0.1', offset: '', sensor_key: 'bess.pcs.soc' },
        { uid: 8, table: 'holding', address: '', type: '', order: 'ABCD', scale: 1, offset: 0, sensor_key: '' },
      ],
    })
    expect(body).toEqual({
      name: 'PCS',
      host: '10.0.0.5',
      port: 1502,
      poll_interval_ms: 1000,
      timeout_ms: 300,
      enabled: true,
      registers: [
        { table: 'input', address: 4, type: 'float32', order: 'CDAB', scale: 0.1, sensor_key: 'bess.pcs.soc' },
        { table: 'holding', order: 'ABCD', scale: 1, offset: 0 },
      ],
    })
  })
})
