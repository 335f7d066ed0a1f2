// Renderer entry: Vue app with Pinia; everything from main arrives through src/ipc/api.ts.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import './styles.css';

createApp(App).use(createPinia()).mount('#app');
