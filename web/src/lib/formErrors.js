// Server errors on a form: every bad field is shown beside its input at once (fieldError in text.js); what no
// input shows goes above the form, in an ErrorBox.

// The part of an ApiError that no input of the form shows, as an error ErrorBox can list, or null when every bad
// field is beside its input. isPlaced(field) says whether the form shows an input (and so the message) for a field.
export function unplacedError(error, isPlaced) {
  if (!error) return null
  if (Array.isArray(error.errors) && error.errors.length) {
    const rest = error.errors.filter((e) => !(e.field && isPlaced(e.field)))
    if (!rest.length) return null
    if (rest.length === error.errors.length) return error
    return { code: error.code, errors: rest }
  }
  return error.field && isPlaced(error.field) ? null : error
}
