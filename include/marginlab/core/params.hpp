// Named parameters: one mechanism that feeds an Options struct from a
// generator spec ("wei-d:d=20,n=200"), from CLI flags, from a TOML table or
// from Python keyword arguments.
//
// An Options struct lists its fields once:
//
//     struct WeiDOptions {
//       Index n = 200;
//       std::string task = "classification";
//       template <class V> void Fields(V& v) {
//         v("n", n, "number of examples");
//         v("task", task, "the labels", TaskNames());   // a field with a fixed set of values
//       }
//       std::string Validate() const;   // "" when valid, else what is wrong
//     };
//
// ApplyParams(params, opts) parses each given value into the field of the
// same name (strictly: "12x" is not an integer), rejects unknown names with
// the list of valid ones, then calls Validate(); every error is an InputError
// that names the context (the spec, file or flag), the parameter, and what was
// expected. DescribeFields(opts) lists name, type, default and doc for help.
//
// A field whose values come from a fixed list passes that list (the one the Options'
// Validate() checks against) as a fourth argument; DescribeFields puts it into the doc: in place
// of "{choices}" if the doc has it, else after "doc: ", as "a | b | c". Membership is checked by
// Validate(), so the message is the same whichever way the value came in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "marginlab/core/error.hpp"

namespace marginlab {

// Ordered key → value text, with the context used in error messages.
class ParamMap {
 public:
  ParamMap() = default;
  explicit ParamMap(std::string context) : context_(std::move(context)) {}

  // Parses "k=v,k=v" (whitespace around keys and values is trimmed; an empty
  // text gives an empty map). Duplicate keys are an error.
  static ParamMap Parse(std::string_view text, std::string context);

  void Set(const std::string& key, std::string value);
  bool Has(const std::string& key) const;
  const std::string* Find(const std::string& key) const;
  // Removes and returns a value if present.
  bool Take(const std::string& key, std::string* value);
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }
  const std::string& context() const { return context_; }
  void set_context(std::string c) { context_ = std::move(c); }
  std::string ToString() const;  // "k=v,k=v"

 private:
  std::string context_;
  std::vector<std::pair<std::string, std::string>> entries_;
};

// Strict scalar parsers; `what` names the value in the error message.
std::int64_t ParseInt(std::string_view text, const std::string& what);
std::uint64_t ParseUInt(std::string_view text, const std::string& what);
double ParseDouble(std::string_view text, const std::string& what);
bool ParseBool(std::string_view text, const std::string& what);
std::vector<double> ParseDoubleList(std::string_view text, const std::string& what,
                                    char sep = ';');
std::string FormatDouble(double v);  // shortest text that round-trips
// "a, b or c" (separator ", ", last " or ") or "a | b | c": a choice list for messages and help.
std::string JoinWords(const std::vector<std::string>& words, const std::string& separator = ", ",
                      const std::string& last = " or ");

// Whether `value` is one of `choices` (a fixed-list field's check in Validate()).
bool IsChoice(const std::vector<std::string>& choices, const std::string& value);

struct FieldInfo {
  std::string name, type, default_value, doc;
  std::vector<std::string> choices;  // the values a fixed-list field takes (empty: any)
};

// The doc of a field with a choice list (see above).
std::string DocWithChoices(const char* doc, const std::vector<std::string>& choices);

namespace detail {
template <class T>
std::string TypeName();
template <class T>
void ParseInto(std::string_view text, const std::string& what, T* out);
template <class T>
std::string ToText(const T& v);

struct FieldSetter {
  const ParamMap* params;
  std::vector<std::string> known;
  std::vector<std::string> seen;
  template <class T>
  void operator()(const char* name, T& field, const char* /*doc*/) {
    known.emplace_back(name);
    if (const std::string* v = params->Find(name)) {
      ParseInto(*v, params->context() + ": parameter '" + name + "'", &field);
      seen.emplace_back(name);
    }
  }
  template <class T>
  void operator()(const char* name, T& field, const char* doc, const std::vector<std::string>& /*choices*/) {
    (*this)(name, field, doc);
  }
};

struct FieldLister {
  std::vector<FieldInfo> fields;
  template <class T>
  void operator()(const char* name, T& field, const char* doc) {
    fields.push_back({name, TypeName<T>(), ToText(field), doc, {}});
  }
  template <class T>
  void operator()(const char* name, T& field, const char* doc, const std::vector<std::string>& choices) {
    fields.push_back({name, TypeName<T>(), ToText(field), DocWithChoices(doc, choices), choices});
  }
};

[[noreturn]] void ThrowUnknownParam(const ParamMap& params, const std::string& key,
                                    const std::vector<std::string>& known);
}  // namespace detail

// Sets opts' fields from params, then validates. Throws InputError.
template <class Opts>
void ApplyParams(const ParamMap& params, Opts& opts) {
  detail::FieldSetter setter{&params, {}, {}};
  opts.Fields(setter);
  for (const auto& [key, value] : params.entries()) {
    bool found = false;
    for (const auto& k : setter.known) found = found || (k == key);
    if (!found) detail::ThrowUnknownParam(params, key, setter.known);
  }
  const std::string problem = opts.Validate();
  if (!problem.empty()) throw InputError(params.context() + ": " + problem);
}

template <class Opts>
std::vector<FieldInfo> DescribeFields(Opts opts) {
  detail::FieldLister lister;
  opts.Fields(lister);
  return lister.fields;
}

// Moves the entries of `params` that name a field of Opts into a new Opts (applied and
// validated; InputError naming params.context()), leaving the rest in `params` — for a
// component that owns some of a parameter table's keys (a trial kind's own options beside
// TrainOptions).
template <class Opts>
Opts TakeParams(ParamMap& params) {
  ParamMap mine(params.context());
  for (const auto& f : DescribeFields(Opts{})) {
    std::string v;
    if (params.Take(f.name, &v)) mine.Set(f.name, v);
  }
  Opts o;
  ApplyParams(mine, o);
  return o;
}

// Fields that an Options' own choices leave unused (depth with kernel = ntk, momentum with
// optimizer = gd): an Options may declare `std::string Unused(const std::string& field) const`
// returning "" when the field is used, else why not ("is only used by …"). UnusedField gives
// "<field> <why>" for the first of `given` that is unused, else "" (always "" for an Options
// without Unused). The CLI's flag groups and the Python module refuse such a field when given.
template <class Opts>
std::string UnusedField(const Opts& opts, const std::vector<std::string>& given) {
  if constexpr (requires { opts.Unused(std::string()); }) {
    for (const std::string& f : given)
      if (std::string why = opts.Unused(f); !why.empty()) return f + " " + why;
  }
  return "";
}

// The fields of opts as "k=v" text (every field, in declaration order).
template <class Opts>
ParamMap ToParamMap(Opts opts, std::string context = {}) {
  ParamMap out(std::move(context));
  for (const auto& f : DescribeFields(opts)) out.Set(f.name, f.default_value);
  return out;
}

}  // namespace marginlab
