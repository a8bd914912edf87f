/** The safety switches' catalogue, for the page (the UI names server modules through state). */
export { UNSAFE_SWITCHES, NO_LIVENESS_SWITCH, unsafeNumbersOn, type UnsafeSwitch, type UnsafeSwitchInfo } from '../server/unsafeSwitches.ts';
