import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The built app is served by `parkbrain serve` at `/` with SPA fallback; in development Vite serves it and
// forwards the API (and the live WebSocket) to a locally running server.
const apiTarget = process.env.PARKBRAIN_API || 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [vue()],
  base: '/',
  define: {
    // vue-i18n: Composition API only, no devtools hooks in production.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // ECharts is large and changes rarely: its own chunk caches well and keeps the shell small.
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/')) return 'vendor'
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.js'],
    setupFiles: ['src/test/global.js'],
    pool: 'threads',
    maxWorkers: 2,
  },
})
