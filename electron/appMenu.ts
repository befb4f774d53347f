// The application menu: the platform's usual roles, plus View > Toggle Dark Mode and Reload, and Help > About.
import { app, Menu, nativeTheme, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';

export interface AppMenuActions {
  /** The window the menu acts on (there is one). */
  window(): BrowserWindow | undefined;
  /** Developer tools only while developing: in the shipped app they would be a way around the locked-down page. */
  devTools: boolean;
}

/**
 * Flips Electron's theme source; the page follows through prefers-color-scheme (Naive UI's useOsTheme), so no
 * message to the renderer is needed.
 */
export function toggleDarkMode(): void {
  nativeTheme.themeSource = nativeTheme.shouldUseDarkColors ? 'light' : 'dark';
}

export function buildAppMenu(actions: AppMenuActions): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    { label: 'File', submenu: [isMac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { label: 'Reload', accelerator: 'CmdOrCtrl+R', click: () => actions.window()?.webContents.reload() },
        { label: 'Toggle Dark Mode', accelerator: 'CmdOrCtrl+Shift+D', click: toggleDarkMode },
        ...(actions.devTools ? [{ role: 'toggleDevTools' } as const] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'About Paddock', click: () => app.showAboutPanel() }],
    },
  ];
  return Menu.buildFromTemplate(template);
}
