//! The InfluxDB annotated-CSV reader: arbitrary bytes after a Flux header (annotated or not), so
//! detection always picks InfluxDB CSV. The first byte chooses the header.
#![no_main]

use libfuzzer_sys::fuzz_target;

const HEADERS: [&[u8]; 3] = [
    b"#group,false,false,true,true,false,false,true,true,true\n#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string\n#default,_result,,,,,,,,\n,result,table,_start,_stop,_time,_value,_field,_measurement,host\n",
    b",result,table,_time,_value,_field,_measurement\n",
    b"#datatype,string,long,dateTime:RFC3339,double,double\n",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let mut bytes = HEADERS[usize::from(pick) % HEADERS.len()].to_vec();
    bytes.extend_from_slice(rest);
    let _ = headroom_core::parse("fuzz.csv", &bytes);
});
