/** @module The supervisor console's entry (/supervisor): its own bundle, never loaded by the station app. */
import { render } from 'preact';
import { ConsoleApp } from './app';
import { createConsoleApi } from './api';
import '../fonts.css';
import './console.css';

const root = document.getElementById('console');
const api = createConsoleApi();
const openSource = (url: string) => new EventSource(url);
if (root) render(<ConsoleApp api={api} openSource={openSource} />, root);
