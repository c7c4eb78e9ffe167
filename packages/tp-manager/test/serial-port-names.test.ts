/**
 * Issue 14 defect 7: COMn and \\.\COMn both open on Windows, and Windows' open errors are explained in Windows'
 * terms. The texts are @serialport/bindings-cpp 13's (src/serialport_win.cpp: ErrorCodeToString, "Opening %s").
 */
import { parseTerminalLink } from '../../common/src/config-values';
import { explainOpenError, serialLibraryPath } from '../src/transports/serial-transport';

test('the config loader takes both spellings, and the serial library gets COM10 for each on Windows', () => {
  for (const written of ['COM10', '\\\\.\\COM10', 'com10']) {
    const link = parseTerminalLink(written);
    expect(link.ok && link.value.kind === 'serial' && serialLibraryPath(link.value.path, 'win32')).toBe('COM10');
  }
});

test('the serial library gets COM10 for \\\\.\\COM10 and COM10 alike on Windows (it adds \\\\.\\ itself)', () => {
  expect(serialLibraryPath('\\\\.\\COM10', 'win32')).toBe('COM10');
  expect(serialLibraryPath('COM10', 'win32')).toBe('COM10');
  expect(serialLibraryPath('\\\\.\\com3', 'win32')).toBe('COM3');
  expect(serialLibraryPath('/dev/ttyUSB0', 'linux')).toBe('/dev/ttyUSB0');
});

test('a COM port held by another program: "Access denied" is not a dialout-group matter on Windows', () => {
  const text = explainOpenError('COM8', new Error('Opening COM8: Access denied'), 'win32');
  expect(text).toMatch(/^COM8 is in use by another program/);
  expect(text).not.toMatch(/usermod|dialout/);
  expect(explainOpenError('/dev/ttyUSB0', new Error('Error: Permission denied, cannot open /dev/ttyUSB0'), 'linux')).toMatch(/dialout/);
});

test('a missing COM port points at Device Manager', () => {
  expect(explainOpenError('COM9', new Error('Opening COM9: File not found'), 'win32')).toMatch(/^COM9 not found: check SERIAL_PORT against Device Manager/);
});
