package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"agent/app/account"
)

// apiOpenAPI serves the OpenAPI 3.1 document of the API, made from the same route table
// as the router, so that it describes exactly the operations that exist.
func (s *Server) apiOpenAPI(c *apiCall) (any, error) {
	return s.openAPI, nil
}

// openAPIDocument describes routes as an OpenAPI 3.1 document. Schemas come from the Go
// types the handlers read and write (their json tags; a doc tag is a description).
func openAPIDocument(routes []apiRoute, version, baseURL string) map[string]any {
	sc := &schemas{defs: map[string]any{}, names: map[reflect.Type]string{}}
	sc.defs["Error"] = sc.of(reflect.TypeFor[apiEnvelope](), false)
	paths := map[string]any{}
	for _, rt := range routes {
		item, _ := paths[rt.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.path] = item
		}
		item[strings.ToLower(rt.method)] = sc.operation(rt)
	}
	servers := []any{map[string]any{"url": "/", "description": "this server"}}
	if baseURL != "" {
		servers = []any{map[string]any{"url": baseURL}}
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "agent API",
			"version": version,
			"description": "Script the support desk: contacts, conversations, knowledge, agents and reports of one workspace. " +
				"Authenticate with a workspace API token (Settings › API tokens): Authorization: Bearer <token>. " +
				"Lists return {data, next_cursor}; pass next_cursor as ?cursor= for the next page. Errors are {error: {code, message, field?}}.",
		},
		"servers": servers,
		"paths":   paths,
		"components": map[string]any{
			"schemas": sc.defs,
			"securitySchemes": map[string]any{
				"apiToken": map[string]any{"type": "http", "scheme": "bearer",
					"description": "A workspace API token. The scopes it needs are listed in each operation's security requirement."},
			},
		},
	}
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// operation is one route's OpenAPI operation.
func (sc *schemas) operation(rt apiRoute) map[string]any {
	op := map[string]any{"operationId": rt.id, "summary": rt.summary, "tags": []string{apiTag(rt.path)}}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true,
			"description": "The " + strings.ReplaceAll(m[1], "_", " ") + "'s ID", "schema": map[string]any{"type": "string"}})
	}
	query := rt.query
	if rt.list {
		query = append(slices.Clone(query),
			apiParam{name: "limit", desc: "Items per page, 1 to " + strconv.Itoa(apiMaxLimit) + " (default " + strconv.Itoa(apiDefaultLimit) + ")"},
			apiParam{name: "cursor", desc: "The next_cursor of the previous page"})
	}
	for _, q := range query {
		schema := map[string]any{"type": "string"}
		if q.name == "limit" {
			schema = map[string]any{"type": "integer", "minimum": 1, "maximum": apiMaxLimit}
		}
		if q.enum != nil {
			schema["enum"] = q.enum
		}
		p := map[string]any{"name": q.name, "in": "query", "schema": schema}
		if q.desc != "" {
			p["description"] = q.desc
		}
		params = append(params, p)
	}
	if params != nil {
		op["parameters"] = params
	}
	if rt.body != nil {
		op["requestBody"] = map[string]any{"required": true,
			"content": map[string]any{"application/json": map[string]any{"schema": sc.of(reflect.TypeOf(rt.body), true)}}}
	}
	status := rt.status
	if status == 0 {
		status = http.StatusOK
	}
	ok := map[string]any{"description": http.StatusText(status)}
	if rt.out != nil {
		schema := sc.of(reflect.TypeOf(rt.out), false)
		if rt.list {
			schema = map[string]any{"type": "object", "required": []string{"data", "next_cursor"}, "properties": map[string]any{
				"data":        map[string]any{"type": "array", "items": schema},
				"next_cursor": map[string]any{"type": []string{"string", "null"}, "description": "null on the last page"},
			}}
		}
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": schema}}
	}
	responses := map[string]any{strconv.Itoa(status): ok}
	errs := []int{http.StatusBadRequest, http.StatusNotFound}
	if rt.scope != "" {
		op["security"] = []any{map[string]any{"apiToken": []string{string(rt.scope)}}}
		op["description"] = "Needs a token with the scope " + string(rt.scope) + apiWriteNote(rt.scope) + "."
		errs = append(errs, http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests)
	} else {
		op["security"] = []any{}
	}
	if rt.body != nil || rt.method != http.MethodGet {
		errs = append(errs, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity)
	}
	for _, code := range errs {
		responses[strconv.Itoa(code)] = map[string]any{"description": http.StatusText(code),
			"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	}
	op["responses"] = responses
	return op
}

func apiWriteNote(s account.Scope) string {
	if area, ok := strings.CutSuffix(string(s), ":read"); ok {
		return " (or " + area + ":write)"
	}
	return ""
}

// apiTag groups operations by the first segment after /api/v1/.
func apiTag(path string) string {
	rest := strings.TrimPrefix(path, apiPrefix)
	tag, _, _ := strings.Cut(rest, "/")
	return strings.TrimSuffix(tag, ".json")
}

// schemas collects the named schemas of the document's types.
type schemas struct {
	defs  map[string]any
	names map[reflect.Type]string
}

var (
	timeType   = reflect.TypeFor[time.Time]()
	numberType = reflect.TypeFor[json.Number]()
)

// of is t's schema: a reference to a named one for structs (strict: no other field
// allowed, for request bodies, which are decoded strictly).
func (sc *schemas) of(t reflect.Type, strict bool) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == numberType: // a decimal, as a JSON number or a string ("1234.50")
		return map[string]any{"type": []string{"number", "string"}}
	case t.Kind() == reflect.Pointer:
		s := sc.of(t.Elem(), strict)
		if typ, ok := s["type"].(string); ok {
			s["type"] = []string{typ, "null"}
			return s
		}
		return map[string]any{"oneOf": []any{s, map[string]any{"type": "null"}}}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Float64, reflect.Float32:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": sc.of(t.Elem(), strict)}
	case reflect.Map:
		if t.Elem().Kind() == reflect.Interface {
			return map[string]any{"type": "object"}
		}
		return map[string]any{"type": "object", "additionalProperties": sc.of(t.Elem(), strict)}
	case reflect.Struct:
		name, done := sc.names[t]
		if !done {
			name = sc.name(t)
			sc.names[t] = name
			sc.defs[name] = nil // a placeholder against recursion
			sc.defs[name] = sc.object(t, strict)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	panic("openapi: no schema for " + t.String())
}

// object is a struct's schema: its json fields, embedded structs' flattened as
// encoding/json does. Fields without omitempty are required. Go writes a nil slice or map
// as null; the API's own types never hold one, other packages' (the report's) may.
func (sc *schemas) object(t reflect.Type, strict bool) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for f := range t.Fields() {
			tag := f.Tag.Get("json")
			if tag == "-" || !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := props[name]; dup {
				continue
			}
			s := sc.of(f.Type, strict)
			if k := f.Type.Kind(); (k == reflect.Slice || k == reflect.Map) && t.PkgPath() != apiPkg && !strings.Contains(opts, "omitempty") {
				s["type"] = []string{s["type"].(string), "null"}
			}
			if d := f.Tag.Get("doc"); d != "" {
				if _, isRef := s["$ref"]; isRef {
					s = map[string]any{"allOf": []any{s}, "description": d}
				} else {
					s["description"] = d
				}
			}
			props[name] = s
			if !strings.Contains(opts, "omitempty") {
				required = append(required, name)
			}
		}
	}
	walk(t)
	out := map[string]any{"type": "object", "properties": props}
	if required != nil {
		out["required"] = required
	}
	if strict {
		out["additionalProperties"] = false
	}
	return out
}

var apiPkg = reflect.TypeFor[apiRoute]().PkgPath()

// name names a struct's schema: Contact for apiContact, Week for report.Week, and
// QuoteContact for quote.Contact when Contact is taken.
func (sc *schemas) name(t reflect.Type) string {
	n := upperFirst(strings.TrimPrefix(t.Name(), "api"))
	if _, taken := sc.defs[n]; taken {
		pkg := t.PkgPath()
		n = upperFirst(pkg[strings.LastIndex(pkg, "/")+1:]) + n
	}
	return n
}

func upperFirst(s string) string {
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
