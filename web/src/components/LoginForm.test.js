import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import LoginForm from './LoginForm.vue'
import { ApiError } from '../api/client.js'
import { session, clearSession } from '../lib/session.js'
import { i18nFor, flush } from '../test/setup.js'

function mountForm(client, locale = 'zh-CN') {
  return mount(LoginForm, { props: { client }, global: { plugins: [i18nFor(locale)] } })
}

describe('LoginForm', () => {
  beforeEach(() => {
    clearSession()
    localStorage.clear()
  })

  it('has labelled inputs', () => {
    const w = mountForm({ post: vi.fn() })
    expect(w.find('label[for="login-name"]').text()).toBe('用户名')
    expect(w.find('label[for="login-password"]').text()).toBe('密码')
    expect(w.find('#login-password').attributes('type')).toBe('password')
  })

  it('logs in, stores the session and emits success', async () => {
    const user = { id: 1, name: 'admin', display_name: '管理员', role: 'park_admin', enterprise_id: null }
    const post = vi.fn().mockResolvedValue({ token: 'tok-1', expires_at: '2026-12-01T00:00:00Z', user })
    const w = mountForm({ post })
    await w.find('#login-name').setValue('admin')
    await w.find('#login-password').setValue('admin-demo-2026')
    await w.find('form').trigger('submit')
    await flush()
    expect(post).toHaveBeenCalledWith('/auth/login', { name: 'admin', password: 'admin-demo-2026' })
    expect(w.emitted('success')[0][0]).toEqual(user)
    expect(session.token).toBe('tok-1')
    expect(localStorage.getItem('parkbrain.token')).toBe('tok-1')
  })

  it('says the credentials are wrong on 401', async () => {
    const post = vi.fn().mockRejectedValue(new ApiError(401, 'unauthenticated', 'bad credentials'))
    const w = mountForm({ post })
    await w.find('#login-name').setValue('admin')
    await w.find('#login-password').setValue('nope')
    await w.find('form').trigger('submit')
    await flush()
    expect(w.find('[data-testid="login-error"]').text()).toBe('用户名或密码错误')
    expect(w.find('#login-name').attributes('aria-invalid')).toBe('true')
    expect(w.emitted('success')).toBeUndefined()
    expect(session.token).toBe('')
  })

  it('says to wait on 429, in English too', async () => {
    const post = vi.fn().mockRejectedValue(new ApiError(429, 'resource_exhausted', 'slow down'))
    const w = mountForm({ post }, 'en')
    await w.find('#login-name').setValue('admin')
    await w.find('#login-password').setValue('x')
    await w.find('form').trigger('submit')
    await flush()
    expect(w.find('[data-testid="login-error"]').text()).toBe('Too many attempts, please try again later')
  })

  it('asks for both fields before calling the server, each beside its input', async () => {
    const post = vi.fn()
    const w = mountForm({ post })
    await w.find('form').trigger('submit')
    expect(post).not.toHaveBeenCalled()
    expect(w.find('[data-testid="login-error"]').text()).toBe('请输入用户名和密码')
    expect(w.findAll('[data-testid="field-error"]').map((e) => e.text())).toEqual(['必填', '必填'])
    expect(w.find('#login-name').attributes('aria-invalid')).toBe('true')
    expect(w.find('#login-password').attributes('aria-describedby')).toBe('login-password-error')

    await w.find('#login-name').setValue('admin')
    await w.find('form').trigger('submit')
    expect(w.findAll('[data-testid="field-error"]')).toHaveLength(1)
    expect(w.find('#login-name').attributes('aria-invalid')).toBeUndefined()
  })

  it("says the server's reason in the user's language: how long a locked-out sign-in waits", async () => {
    const locked = new ApiError(429, 'resource_exhausted', 'too many failed sign-ins; try again in 15 minute(s)', '', null, {
      reason: 'auth.locked_out',
      params: { minutes: 15 },
    })
    const post = vi.fn().mockRejectedValue(locked)
    const w = mountForm({ post })
    await w.find('#login-name').setValue('admin')
    await w.find('#login-password').setValue('x')
    await w.find('form').trigger('submit')
    await flush()
    expect(w.find('[data-testid="login-error"]').text()).toBe('登录失败次数过多，请 15 分钟后再试')
  })

  it('shows every bad field the server names beside its input', async () => {
    const bad = new ApiError(400, 'invalid_argument', 'is required', 'name', null, {
      reason: 'field.required',
      errors: [
        { field: 'name', code: 'field.too_long', params: { max_chars: 64 }, message: 'must be at most 64 characters' },
        { field: 'password', code: 'field.not_string', params: { actual: 'a number' }, message: 'must be a string' },
      ],
    })
    const w = mountForm({ post: vi.fn().mockRejectedValue(bad) })
    await w.find('#login-name').setValue('a'.repeat(70))
    await w.find('#login-password').setValue('x')
    await w.find('form').trigger('submit')
    await flush()
    expect(w.findAll('[data-testid="field-error"]').map((e) => e.text())).toEqual(['最多 64 个字符', '必须是文本'])
    expect(w.find('[data-testid="login-error"]').text()).toBe('输入有误')
  })
})
