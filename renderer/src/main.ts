// Starts the renderer: Pinia for state, then the root component, which connects to the admin API.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import './styles.css';

createApp(App).use(createPinia()).mount('#app');
