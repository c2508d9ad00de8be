package providertest

import (
	"reflect"
	"testing"
)

// EachFieldChanged calls f once per leaf field of base's type (exported fields, nested structs
// walked into, named "Order.Sort"), with a copy of base in which only that field is set to a
// non-zero value it does not have in base. It is how identity tests check that every field of a
// struct reaches a key: a field added later is changed too, so a key that forgets it fails.
// base must be a struct; a field of a kind it cannot set (func, chan, interface) fails the test,
// so the helper is extended rather than the field silently skipped.
func EachFieldChanged[T any](t testing.TB, base T, f func(field string, changed T)) {
	t.Helper()
	v := reflect.ValueOf(base)
	if v.Kind() != reflect.Struct {
		t.Fatalf("EachFieldChanged needs a struct, got %s", v.Kind())
	}
	walk(t, v.Type(), nil, "", func(path []int, name string) {
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		field := c.FieldByIndex(path)
		nv := other(t, name, field.Type(), field)
		field.Set(nv)
		f(name, c.Interface().(T))
	})
}

// walk visits the exported leaf fields of struct type typ.
func walk(t testing.TB, typ reflect.Type, path []int, prefix string, visit func(path []int, name string)) {
	for i := range typ.NumField() {
		sf := typ.Field(i)
		if !sf.IsExported() {
			continue
		}
		p := append(append([]int(nil), path...), i)
		name := prefix + sf.Name
		if sf.Type.Kind() == reflect.Struct {
			walk(t, sf.Type, p, name+".", visit)
			continue
		}
		visit(p, name)
	}
}

// other returns a value of type typ different from cur.
func other(t testing.TB, name string, typ reflect.Type, cur reflect.Value) reflect.Value {
	t.Helper()
	nv := reflect.New(typ).Elem()
	switch typ.Kind() {
	case reflect.String:
		nv.SetString(cur.String() + "ZZ")
	case reflect.Bool:
		nv.SetBool(!cur.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		nv.SetInt(cur.Int() + 7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		nv.SetUint(cur.Uint() + 7)
	case reflect.Slice:
		elem := other(t, name, typ.Elem(), reflect.New(typ.Elem()).Elem())
		nv = reflect.Append(cur, elem)
	case reflect.Pointer:
		inner := reflect.New(typ.Elem()).Elem()
		if !cur.IsNil() {
			inner = cur.Elem()
		}
		p := reflect.New(typ.Elem())
		p.Elem().Set(other(t, name, typ.Elem(), inner))
		nv = p
	case reflect.Struct:
		nv.Set(cur)
		for i := range typ.NumField() {
			if typ.Field(i).IsExported() {
				nv.Field(i).Set(other(t, name, typ.Field(i).Type, cur.Field(i)))
			}
		}
	default:
		t.Fatalf("field %s is a %s: teach providertest.EachFieldChanged to change it", name, typ.Kind())
	}
	return nv
}
