// The Modbus page's rules, apart from the page so that they are tested: a device's state from the server's polling
// status, and the body a device form sends.

// polling: connected and its last poll read values; unreachable: polled and not answering (since its last good
// read, or ever); starting: polled not yet; disabled: not polled at all.
export function stateOf(device) {
  const s = device.status || {}
  if (!device.enabled || !s.running) return 'disabled'
  if (s.connected && s.last_ok_at) return 'polling'
  if (!s.polls) return 'starting'
  return 'unreachable'
}

// Numbers as typed; an empty box is left out so that the server names the field as missing (or takes its default).
function num(v) {
  return v === '' || v === null || v === undefined ? undefined : Number(v)
}

// The device form as POST/PUT /api/v1/modbus/devices takes it (the form's row ids and read-only fields left out).
export function deviceBody(form) {
  const out = {
    name: form.name,
    host: form.host,
    port: num(form.port),
    unit_id: num(form.unit_id),
    poll_interval_ms: num(form.poll_interval_ms),
    timeout_ms: num(form.timeout_ms),
    enabled: form.enabled,
    registers: (form.registers || []).map((r) => ({
      table: r.table,
      address: num(r.address),
      type: r.type || undefined,
      order: r.order,
      scale: num(r.scale),
      offset: num(r.offset),
      sensor_key: r.sensor_key || undefined,
    })),
  }
  return JSON.parse(JSON.stringify(out))
}
