package quote

import (
	"testing"

	"github.com/shopspring/decimal"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// TestComputeExact checks the totals of quotes whose figures go wrong in floating point
// or with a careless rounding, each figure worked out by hand from the rules in money.go.
func TestComputeExact(t *testing.T) {
	type line struct{ qty, price, pct, amount, rate string }
	for _, tc := range []struct {
		name                           string
		scale                          int32
		lines                          []line
		nets                           []string
		subtotal, discount, tax, total string
		taxes                          map[string]string // rate -> tax
	}{
		{"0.1 + 0.2 is 0.3", 2, []line{{"1", "0.1", "", "", ""}, {"1", "0.2", "", "", ""}},
			[]string{"0.10", "0.20"}, "0.30", "0.00", "0.00", "0.30", map[string]string{"0": "0.00"}},
		{"a third of a cent per unit, three times", 2, []line{{"3", "0.333333", "", "", "20"}},
			[]string{"1.00"}, "1.00", "0.00", "0.20", "1.20", map[string]string{"20": "0.20"}},
		{"half a cent rounds away from zero", 2, []line{{"1", "0.125", "", "", ""}, {"1", "0.135", "", "", ""}},
			[]string{"0.13", "0.14"}, "0.27", "0.00", "0.00", "0.27", nil},
		{"percent discount rounded on the line", 2, []line{{"3", "19.99", "15", "", "20"}},
			// 59.97 × 15 % = 8.9955 -> 9.00; net 50.97; tax 10.194 -> 10.19
			[]string{"50.97"}, "50.97", "9.00", "10.19", "61.16", map[string]string{"20": "10.19"}},
		{"fixed discount and three tax rates", 2, []line{
			{"2", "1000", "", "150.50", "20"}, // 2000 - 150.50 = 1849.50
			{"7", "12.35", "", "", "5.5"},     // 86.45
			{"1", "333.33", "", "", "20"},     // 333.33
			{"10", "0.99", "10", "", "8.875"}, // 9.90 - 0.99 = 8.91
			{"1", "49.00", "100", "", "20"},   // free: 0.00
		},
			[]string{"1849.50", "86.45", "333.33", "8.91", "0.00"},
			// 20 %: 2182.83 -> 436.566 -> 436.57; 5.5 %: 4.75475 -> 4.75; 8.875 %: 0.7907625 -> 0.79
			"2278.19", "200.49", "442.11", "2720.30",
			map[string]string{"5.5": "4.75", "8.875": "0.79", "20": "436.57"}},
		{"tax per rate, not per line", 2, []line{{"1", "0.05", "", "", "10"}, {"1", "0.05", "", "", "10"}, {"1", "0.05", "", "", "10"}},
			// per line 0.005 -> 0.01 each would make 0.03; on the sum 0.15 -> 0.015 -> 0.02
			[]string{"0.05", "0.05", "0.05"}, "0.15", "0.00", "0.02", "0.17", map[string]string{"10": "0.02"}},
		{"yen has no decimals", 0, []line{{"3", "333.5", "", "", "10"}},
			[]string{"1001"}, "1001", "0", "100", "1101", map[string]string{"10": "100"}},
		{"dinar has three", 3, []line{{"1.5", "2.3335", "", "", "10"}},
			// 3.50025 -> 3.500; tax 0.35
			[]string{"3.500"}, "3.500", "0.000", "0.350", "3.850", nil},
		{"big amounts stay exact", 2, []line{{"999999999", "999999999.99", "", "", "25"}},
			[]string{"999999998990000000.01"}, "999999998990000000.01", "0.00", "249999999747500000.00", "1249999998737500000.01", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var lines []Line
			for _, l := range tc.lines {
				lines = append(lines, Line{Quantity: d(l.qty), UnitPrice: d(l.price), DiscountPercent: orZero(l.pct),
					DiscountAmount: orZero(l.amount), TaxRate: orZero(l.rate)})
			}
			got := Compute(tc.scale, lines)
			for i, want := range tc.nets {
				if s := Fixed(got.Lines[i].Net, tc.scale); s != want {
					t.Errorf("line %d net = %s, want %s", i, s, want)
				}
				if !got.Lines[i].Amount.Sub(got.Lines[i].Discount).Equal(got.Lines[i].Net) {
					t.Errorf("line %d: amount - discount != net", i)
				}
			}
			for name, pair := range map[string][2]string{"subtotal": {Fixed(got.Subtotal, tc.scale), tc.subtotal},
				"discount": {Fixed(got.Discount, tc.scale), tc.discount}, "tax": {Fixed(got.Tax, tc.scale), tc.tax},
				"total": {Fixed(got.Total, tc.scale), tc.total}} {
				if pair[0] != pair[1] {
					t.Errorf("%s = %s, want %s", name, pair[0], pair[1])
				}
			}
			if tc.taxes != nil {
				if len(got.Taxes) != len(tc.taxes) {
					t.Fatalf("taxes = %v, want %v", got.Taxes, tc.taxes)
				}
				for i, x := range got.Taxes {
					if want := tc.taxes[Percent(x.Rate)]; Fixed(x.Amount, tc.scale) != want {
						t.Errorf("tax at %s %% = %s, want %s", Percent(x.Rate), Fixed(x.Amount, tc.scale), want)
					}
					if i > 0 && !got.Taxes[i-1].Rate.LessThan(x.Rate) {
						t.Errorf("taxes not by ascending rate: %v", got.Taxes)
					}
				}
			}
		})
	}
}

func orZero(s string) decimal.Decimal {
	if s == "" {
		return decimal.Zero
	}
	return d(s)
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		amount string
		scale  int32
		cur    string
		want   string
	}{
		{"12400", 2, "EUR", "12,400.00 EUR"},
		{"1234567.891", 3, "BHD", "1,234,567.891 BHD"},
		{"999", 0, "JPY", "999 JPY"},
		{"1000", 0, "JPY", "1,000 JPY"},
		{"-1234.5", 2, "USD", "-1,234.50 USD"},
		{"0.005", 2, "EUR", "0.01 EUR"},
	} {
		if got := Format(d(tc.amount), tc.scale, tc.cur); got != tc.want {
			t.Errorf("Format(%s) = %q, want %q", tc.amount, got, tc.want)
		}
	}
	for price, want := range map[string]string{"45.5": "45.50 EUR", "129": "129.00 EUR", "0.0125": "0.0125 EUR", "1234.5": "1,234.50 EUR"} {
		if got := (Quote{Currency: "EUR"}).FormatPrice(d(price)); got != want {
			t.Errorf("FormatPrice(%s) = %q, want %q", price, got, want)
		}
	}
	if got := (Quote{Currency: "JPY"}).FormatPrice(d("98.5")); got != "98.5 JPY" {
		t.Errorf("FormatPrice(98.5 JPY) = %q", got)
	}
}

func TestScale(t *testing.T) {
	for cur, want := range map[string]int32{"EUR": 2, "usd": 2, "JPY": 0, "BHD": 3, "KWD": 3, "CLF": 4} {
		if got, ok := Scale(cur); !ok || got != want {
			t.Errorf("Scale(%s) = %d, %v; want %d", cur, got, ok, want)
		}
	}
	for _, cur := range []string{"", "EU", "EURO", "ZZZ", "€"} {
		if _, ok := Scale(cur); ok {
			t.Errorf("Scale(%q) accepted", cur)
		}
	}
}

// BenchmarkCompute works out the totals of a quote of MaxLines lines on three tax rates,
// with percentage discounts (what every page and list of the quote pays).
func BenchmarkCompute(b *testing.B) {
	lines := make([]Line, MaxLines)
	for i := range lines {
		lines[i] = Line{Quantity: decimal.NewFromInt(int64(i + 1)), UnitPrice: d("19.99"), DiscountPercent: d("12.5"),
			TaxRate: []decimal.Decimal{d("25"), d("15"), d("0")}[i%3]}
	}
	b.ReportAllocs()
	for b.Loop() {
		Compute(2, lines)
	}
}
