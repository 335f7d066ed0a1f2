// Renderer entry: Vue app with Pinia; everything from main arrives through src/ipc/api.ts.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { installWsBridge } from './ipc/ws-bridge.js';
import './styles.css';

// In a browser served by `lifeboat serve` there is no preload: the WebSocket bridge stands in.
installWsBridge(window);

createApp(App).use(createPinia()).mount('#app');
