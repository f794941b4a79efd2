// Rated parameters of equipment are a free object whose keys carry the unit ("pressure_mpa": 2.5). A person reads
// the parameter's name in their language (equipment.ratedNames.<key or name>), not the key; a key nobody named
// (typed by a user) is shown as it is, since it is their data.
import { splitUnitKey } from './format.js'

// { label, unit, known }: the whole key is looked up first (for keys whose unit the formatter does not split off,
// e.g. steam_th, the label says the unit), then the name without its unit; else the name as typed.
export function ratedName(i18n, key) {
  const { t, te } = i18n
  const { name, unit } = splitUnitKey(key)
  if (key && te(`equipment.ratedNames.${key}`)) return { label: t(`equipment.ratedNames.${key}`), unit: '', known: true }
  if (name && te(`equipment.ratedNames.${name}`)) return { label: t(`equipment.ratedNames.${name}`), unit, known: true }
  return { label: name, unit, known: false }
}
