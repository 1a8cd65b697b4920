fn main() { workbook_trace::init_terminal(); }
